/**
 * Bounded in-flight (issue 11): 2,000 events to a dead endpoint on the local stack, whose
 * queues enforce an in-flight cap scaled down from SQS's ~120,000. Waits on the message
 * (visibility) are short; longer ones and parked deliveries leave the queue, so the delivery
 * queue's in-flight count stays within concurrency × batch + short waits, never at the cap,
 * and a healthy endpoint of another organization keeps receiving.
 */
// Before core/model: the API schemas call `.openapi()` on model fields.
import "@hono/zod-openapi";
import { randomBytes } from "node:crypto";
import { SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { clientOptions } from "../../core/config/aws.js";
import type { LocalStack } from "../../local/stack.js";
import { publishEvents } from "../../packages/client/src/publish.js";
import { putEndpointRecord } from "../support/endpoints.js";
import { startTestLocalStack } from "../support/local-stack.js";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { waitFor } from "../support/wait.js";

const DEAD_EVENTS = 2000;
const HEALTHY_EVENTS = 40;
/** Scaled-down SQS cap: a design holding retries in flight would reach it with 2,000 failures. */
const CAP = 150;
const POLLERS = { ingest: 4, delivery: 2, slow: 2 };

let stack: LocalStack;
let producer: SQSClient;
let receiver: Receiver;
/** Events the healthy endpoint received (each once, however often it was sent). */
const healthy = () => new Set(receiver.requests.map((r) => String(r.headers["webhook-id"])));

beforeAll(async () => {
  stack = await startTestLocalStack({
    inFlightCap: CAP,
    concurrency: POLLERS,
  });
  producer = new SQSClient(clientOptions(stack.config, stack.config.endpoints.sqs));
  receiver = await startReceiver({ path: "/hook", fallback: { status: 204 } });
});

afterAll(async () => {
  producer?.destroy();
  await stack?.stop();
  await receiver?.close();
});

it("keeps in-flight bounded with 2,000 events to a dead endpoint, and a healthy endpoint still receives", async () => {
  const tag = randomBytes(4).toString("hex");
  const deadOrg = `org_dead${tag}`;
  const okOrg = `org_ok${tag}`;
  // Nothing listens on port 1: every attempt fails at once (connection refused).
  await putEndpointRecord(stack.deps, { org_id: deadOrg, url: "http://127.0.0.1:1/hook" });
  await putEndpointRecord(stack.deps, { org_id: okOrg, url: receiver.url });

  const dead = Array.from({ length: DEAD_EVENTS }, (_, i) => ({
    org_id: deadOrg,
    type: "telephony.complete",
    data: { i },
  }));
  await publishEvents(producer, stack.config.queues.ingest, dead);
  const ok = Array.from({ length: HEALTHY_EVENTS }, (_, i) => ({
    org_id: okOrg,
    type: "telephony.complete",
    id: `ok-${tag}-${i}`,
    data: { i },
  }));
  await publishEvents(producer, stack.config.queues.ingest, ok);

  await waitFor(() => healthy().size >= HEALTHY_EVENTS, {
    what: "every healthy delivery",
    timeoutMs: 240_000,
    intervalMs: 250,
  });
  const stats = stack.inFlight();
  // Never at the cap: no receive came back empty for it, on any queue.
  for (const s of Object.values(stats)) expect(s.cappedReceives).toBe(0);
  // Concurrency × batch (what the pollers hold) plus the short waits before the breaker opened.
  const held = POLLERS.delivery * 10;
  expect(stats.delivery!.peakInFlight).toBeLessThanOrEqual(held + 10 * 10);
  expect(stats.delivery!.peakInFlight).toBeLessThan(CAP);
}, 300_000);
