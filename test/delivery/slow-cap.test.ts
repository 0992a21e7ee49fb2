/**
 * The slow lane's cap on a failing endpoint on the real delivery path (fauxqs, DynamoDB Local,
 * receivers on 127.0.0.1; docs/delivery.md, "Slow lane"; the rule: policy/slow-cap.ts): a
 * hanging endpoint in the slow lane with more tasks than the breaker's threshold gets exactly
 * that many requests before its breaker opens (without the cap, every task of the lane's
 * batches was sent to it), and a slow but healthy endpoint is not capped. Counts only: waits
 * on conditions, no timing.
 */
import { describe, expect, it } from "vitest";
import { enqueue, taskFor, waitForDelivery } from "../support/deliveries.js";
import { useHarness } from "../support/delivery.js";
import { endpointNow, putEndpoint } from "../support/endpoints.js";
import { waitFor } from "../support/wait.js";

const THRESHOLD = 3;
const h = useHarness({
  BREAKER_FAILURES: String(THRESHOLD),
  // Far longer than the test: the tasks parked by the breaker do not come back in it.
  BREAKER_COOLDOWN_SECONDS: "600",
  FAST_LANE_BUDGET_MS: "400",
  RETRY_SCHEDULE: "1",
});

/** In the slow lane already (`slow_until` ahead): its tasks go there without a request. */
const slowUntil = () => new Date(Date.now() + 3_600_000).toISOString();

describe("slow lane cap", () => {
  it("a hanging endpoint gets exactly the breaker's threshold of requests, its other tasks deferred then parked", async () => {
    const r = await h.receiver({ fallback: { hang: true } });
    const ep = await putEndpoint(h.deps, { url: r.url, timeout_ms: 1000, slow_until: slowUntil() });
    const tasks = Array.from({ length: 8 }, (_, i) => taskFor(ep, { i }));
    await enqueue(h.deps, ...tasks);

    await waitFor(async () => (await endpointNow(h.deps, ep))?.breaker_open_until, {
      timeoutMs: 30_000,
      what: "the breaker to open",
    });
    // Every task has left the slow lane: the failed ones' retries and the deferred ones came
    // back to an open breaker and were parked (sent to the shared lane for its cooldown).
    const slowQueue = h.deps.config.queues.deliverySlow;
    await waitFor(() => tasks.every((t) => h.spy.gone(t.msg_id, slowQueue)), {
      timeoutMs: 30_000,
      what: "every task out of the slow lane",
    });
    expect(r.requests).toHaveLength(THRESHOLD);
    // Some tasks were deferred (a re-send with a delay on the slow queue), none sent twice.
    const ids = r.requests.map((q) => String(q.headers["webhook-id"]));
    expect(new Set(ids).size).toBe(THRESHOLD);
    const deferred = tasks.filter((t) => h.spy.groups(t.msg_id, slowQueue).length > 1);
    expect(deferred.length).toBeGreaterThanOrEqual(tasks.length - THRESHOLD);
  });

  it("a slow but healthy endpoint is not capped: all its tasks are in flight at once", async () => {
    const r = await h.receiver();
    const ep = await putEndpoint(h.deps, { url: r.url, timeout_ms: 5000, slow_until: slowUntil() });
    const first = taskFor(ep, { i: -1 });
    await enqueue(h.deps, first);
    await waitForDelivery(h.deps, first, "succeeded");

    // Its last answer here a success: more than the threshold of requests held at once.
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    r.setPlan([], { status: 200, after: held });
    const tasks = Array.from({ length: 8 }, (_, i) => taskFor(ep, { i }));
    await enqueue(h.deps, ...tasks);
    await r.waitForRequests(1 + tasks.length, 30_000);
    release();
    for (const t of tasks) expect((await waitForDelivery(h.deps, t, "succeeded")).attempts).toBe(1);
    expect(r.requests).toHaveLength(1 + tasks.length);
    const slowQueue = h.deps.config.queues.deliverySlow;
    expect(tasks.filter((t) => h.spy.groups(t.msg_id, slowQueue).length > 1)).toEqual([]);
  });
});
