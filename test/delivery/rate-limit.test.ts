/**
 * Per-endpoint `rate_limit` across concurrent delivery processes (issue 11): two delivery
 * handlers, each with its own clients and caches (as two Lambda instances), poll the same
 * queue and table. The shared per-second counters in the table are the evidence: no window
 * ever admitted more than the limit, every delivery was admitted exactly once, and the
 * tasks sent back for a later second burnt no attempt.
 */
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeps } from "../../core/compose.js";
import { createDeliveryHandler } from "../../core/delivery/handler.js";
import { deferred, deferSeconds } from "../../core/delivery/policy/rate-limit.js";
import type { Deps } from "../../core/deps.js";
import type { EndpointRecord } from "../../core/model/endpoint.js";
import { keys } from "../../core/store/keys.js";
import { type EventSource, startEventSource } from "../../local/event-source.js";
import { attemptsOf, enqueue, taskFor, waitForDelivery } from "../support/deliveries.js";
import { useHarness } from "../support/delivery.js";
import { putEndpoint } from "../support/endpoints.js";

const h = useHarness();
// A second delivery process for the whole file (stopping a poller mid-receive would hide a
// message for its visibility timeout): its own clients, endpoint cache and memo of full windows.
let other: EventSource;
beforeAll(() => {
  other = startEventSource({ ...h.eventSource, handler: createDeliveryHandler(createDeps(h.stack.config)) });
});
afterAll(async () => {
  await other.stop();
});

/** The admitted count of every one-second window from `from` to `to` (epoch seconds). */
async function windowCounts(deps: Deps, ep: EndpointRecord, from: number, to: number): Promise<number[]> {
  const counts: number[] = [];
  for (let s = from; s <= to; s++) {
    const res = await deps.db.doc.send(
      new GetCommand({ TableName: deps.db.table, Key: keys.rateWindow(ep.org_id, ep.id, s) }),
    );
    counts.push(Number(res.Item?.n ?? 0));
  }
  return counts;
}

describe("rate_limit", () => {
  it("admits at most rate_limit deliveries per second across two delivery processes; no attempt burnt", async () => {
    const r = await h.receiver();
    const ep = await putEndpoint(h.deps, { url: r.url, rate_limit: 2 });
    const tasks = Array.from({ length: 12 }, (_, i) => taskFor(ep, { i }));
    const from = Math.floor(Date.now() / 1000);
    await enqueue(h.deps, ...tasks);
    for (const t of tasks) expect((await waitForDelivery(h.deps, t, "succeeded")).attempts).toBe(1);
    const to = Math.floor(Date.now() / 1000);

    const counts = await windowCounts(h.deps, ep, from, to);
    expect(Math.max(...counts)).toBeLessThanOrEqual(2);
    // Every delivery took exactly one slot: 12 over at least 6 windows, none twice.
    expect(counts.reduce((a, b) => a + b, 0)).toBe(12);
    expect(r.requests).toHaveLength(12);
    const log = await attemptsOf(h.deps, ep);
    expect(log.map((a) => a.attempt)).toEqual(Array(12).fill(1));
  });

  it("an endpoint without rate_limit writes no window", async () => {
    const r = await h.receiver();
    const ep = await putEndpoint(h.deps, { url: r.url });
    const from = Math.floor(Date.now() / 1000);
    const t = taskFor(ep);
    await enqueue(h.deps, t);
    await waitForDelivery(h.deps, t, "succeeded");
    const counts = await windowCounts(h.deps, ep, from, Math.floor(Date.now() / 1000));
    expect(counts.every((n) => n === 0)).toBe(true);
  });
});

describe("deferred (pure)", () => {
  const task = taskFor({ org_id: "org_a", id: "ep_1" });

  it("re-sends the task to its lane for a later second, carrying the attempts made, not one more", () => {
    const d = deferred({ ...task, attempt_base: 2 }, { attempt: 3, lane: "slow", random: () => 0 });
    expect(d.records).toEqual({});
    expect(d.action).toMatchObject({ kind: "resend", lane: "slow", why: "rate", delaySeconds: 1 });
    const next = (d.action as { task: typeof task }).task;
    expect(next.attempt_base).toBe(2);
    expect(next.deferrals).toBe(1);
  });

  it("spreads the wait wider with each deferral, at most 30 s more", () => {
    expect(deferSeconds(0, () => 0.99)).toBe(1);
    expect(deferSeconds(1, () => 0.99)).toBe(2);
    expect(deferSeconds(3, () => 0.99)).toBe(8);
    expect(deferSeconds(50, () => 0.99)).toBe(30);
    expect(deferSeconds(50, () => 0)).toBe(1);
  });
});
