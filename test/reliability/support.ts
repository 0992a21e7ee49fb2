/**
 * Helpers shared by the reliability and security tests: endpoints written as items, delivery
 * tasks, the delivery function behind the Lambda event-source emulation, queue inspection,
 * whole-table snapshots (to prove "no partial write") and output capture (to scan logs).
 */
import { createHash, randomBytes } from "node:crypto";
import { SetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { createDeliveryHandler } from "../../core/delivery/handler.js";
import type { Deps } from "../../core/deps.js";
import type { AttemptRecord, DeliveryRecord } from "../../core/model/delivery.js";
import type { EndpointRecord } from "../../core/model/endpoint.js";
import type { DeliveryTask } from "../../core/model/task.js";
import { attemptsOfMessage } from "../../core/store/attempts.js";
import { type EventSource, startEventSource } from "../../local/event-source.js";
import { queueCounts } from "../../local/queues.js";
import { deliveryOf, deliveryTaskFor, enqueue, waitForDeliveryStatus } from "../support/deliveries.js";
import { newSecret, putEndpointRecord } from "../support/endpoints.js";
import type { TestStack } from "../support/stack.js";
import { waitFor } from "../support/wait.js";

export { rng } from "../../bench/rng.js";
export { queueCounts, receiveAll } from "../../local/queues.js";

export { newSecret };

/** An endpoint written straight to the table (bypasses the API's URL rules on purpose). */
export const putEndpointItem = (deps: Deps, org: string, over: Partial<EndpointRecord> & { url: string }) =>
  putEndpointRecord(deps, { org_id: org, max_retries: 0, timeout_ms: 3000, ...over });

export const taskFor = (ep: Pick<EndpointRecord, "org_id" | "id">, data: Record<string, unknown> = {}) =>
  deliveryTaskFor(ep, "voice.call.ended", data);

export { deliveryOf, enqueue };

/** The delivery function polled from the stack's delivery queue, as Lambda would run it. */
export function startDelivery(stack: TestStack, concurrency = 2): EventSource {
  return startEventSource({
    sqs: stack.deps.sqs,
    queueUrl: stack.config.queues.delivery,
    queueArn: stack.env.DELIVERY_QUEUE_ARN!,
    handler: createDeliveryHandler(stack.deps),
    batchSize: 10,
    concurrency,
    waitTimeSeconds: 1,
  });
}

export const waitForDelivery = (deps: Deps, t: DeliveryTask, ...statuses: DeliveryRecord["status"][]) =>
  waitForDeliveryStatus(deps, t, statuses, { timeoutMs: 45_000, intervalMs: 100 });

/** Attempts of one message (its endpoints, or the message's own when not given), oldest first. */
export async function attemptsOfMsg(
  deps: Deps,
  org: string,
  msgId: string,
  endpointIds?: string[],
): Promise<AttemptRecord[]> {
  const page = await attemptsOfMessage(deps.db, org, msgId, { limit: 100 }, endpointIds);
  return page.attempts.sort((a, b) => a.attempt - b.attempt || a.id.localeCompare(b.id));
}

/** Waits until a queue holds nothing at all (no visible, in-flight or delayed message). */
export function waitForEmptyQueue(sqs: SQSClient, url: string, timeoutMs = 60_000) {
  return waitFor(
    async () => {
      const c = await queueCounts(sqs, url);
      return c.visible + c.inFlight + c.delayed === 0;
    },
    { what: `queue ${url} to drain`, timeoutMs, intervalMs: 200 },
  );
}

/** Shortens a queue's visibility timeout: a crashed invocation's records come back quickly. */
export async function setVisibilityTimeout(sqs: SQSClient, url: string, seconds: number) {
  await sqs.send(
    new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: String(seconds) } }),
  );
}

/** Every item of the (test-private) table. */
export async function scanAll(deps: Deps): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await deps.db.doc.send(
      new ScanCommand({ TableName: deps.db.table, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    items.push(...(res.Items ?? []));
    start = res.LastEvaluatedKey;
  } while (start);
  return items;
}

/** A digest of the whole table: equal digests = not a single byte written. */
export async function tableDigest(deps: Deps): Promise<string> {
  const items = await scanAll(deps);
  const lines = items.map((i) => JSON.stringify(sortKeys(i))).sort();
  return createHash("sha256").update(lines.join("\n")).digest("hex");
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v instanceof Set) return [...v].map(sortKeys).sort();
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

/** A hand-built SQS event (for calling a handler directly). */
export function sqsEvent(bodies: string[], receiveCount = 1): SQSEvent {
  return {
    Records: bodies.map(
      (body): SQSRecord => ({
        messageId: `m-${randomBytes(8).toString("hex")}`,
        receiptHandle: `rh-${randomBytes(8).toString("hex")}`,
        body,
        attributes: {
          ApproximateReceiveCount: String(receiveCount),
          SentTimestamp: String(Date.now()),
          SenderId: "000000000000",
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: "",
        eventSource: "aws:sqs",
        eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:Queue",
        awsRegion: "us-east-1",
      }),
    ),
  };
}

export interface Capture {
  text(): string;
  stop(): void;
}

/**
 * Records everything written to stdout/stderr and through `console` (the Powertools logger
 * writes to the process streams) until `stop()`; `echo: false` keeps it off the terminal.
 */
export function captureOutput({ echo = true } = {}): Capture {
  const chunks: string[] = [];
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const record = (chunk: unknown) => {
    chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
  };
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    record(chunk);
    return echo ? (out as (...a: unknown[]) => boolean)(chunk, ...rest) : true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => {
    record(chunk);
    return echo ? (err as (...a: unknown[]) => boolean)(chunk, ...rest) : true;
  }) as typeof process.stderr.write;
  const methods = ["log", "info", "warn", "error", "debug", "trace"] as const;
  const saved = methods.map((m) => console[m]);
  for (const m of methods) {
    const original = console[m];
    console[m] = (...args: unknown[]) => {
      chunks.push(args.map((a) => (typeof a === "string" ? a : safeJson(a))).join(" "));
      if (echo) original(...args);
    };
  }
  return {
    text: () => chunks.join("\n"),
    stop: () => {
      process.stdout.write = out as typeof process.stdout.write;
      process.stderr.write = err as typeof process.stderr.write;
      methods.forEach((m, i) => {
        console[m] = saved[i]!;
      });
    },
  };
}

function safeJson(v: unknown): string {
  try {
    if (v instanceof Error) return `${v.name}: ${v.message}\n${v.stack ?? ""}`;
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
