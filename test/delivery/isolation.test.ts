/**
 * Per-endpoint isolation on the real delivery path (fauxqs, DynamoDB Local, real receivers):
 * the circuit breaker (open → parked without requests → half-open probe → closed), the slow
 * lane, and 410 Gone.
 */
import { describe, expect, it } from "vitest";
import { updateEndpoint } from "../../core/endpoints/service.js";
import { attemptsOf, enqueue, putMessageOf, taskFor, waitForDelivery } from "../support/deliveries.js";
import { fireSchedules, useHarness } from "../support/delivery.js";
import { endpointNow, putEndpoint } from "../support/endpoints.js";
import { waitFor } from "../support/wait.js";

const h = useHarness({
  BREAKER_FAILURES: "3",
  BREAKER_COOLDOWN_SECONDS: "2",
  // The breaker's mechanics with a fixed cooldown (its growth with the outage: breaker-cost.test.ts).
  BREAKER_COOLDOWN_MAX_SECONDS: "2",
  FAST_LANE_BUDGET_MS: "400",
  RETRY_SCHEDULE: "1",
});

describe("circuit breaker", () => {
  it("opens after repeated failures, parks deliveries without requests, probes once, closes on success", async () => {
    const r = await h.receiver({ plan: [{ status: 500 }, { status: 500 }, { status: 500 }] });
    const ep = await putEndpoint(h.deps, { url: r.url, max_retries: 10 });
    const first = taskFor(ep);
    await enqueue(h.deps, first);
    await r.waitForRequests(3);
    const open = await waitFor(
      async () => {
        const e = await endpointNow(h.deps, ep);
        return e?.breaker_open_until ? e : undefined;
      },
      { what: "the breaker to open" },
    );
    expect(open.consecutive_failures).toBe(3);
    // While open, new deliveries are parked: no request reaches the receiver.
    const more = [taskFor(ep), taskFor(ep), taskFor(ep)];
    await enqueue(h.deps, ...more);

    for (const t of [first, ...more]) await waitForDelivery(h.deps, t, "succeeded");
    // 3 failures, then every delivery once: the parked ones made no request while open.
    expect(r.requests).toHaveLength(3 + 4);
    const closed = await waitFor(
      async () => {
        const e = await endpointNow(h.deps, ep);
        return e && !e.breaker_open_until && e;
      },
      { what: "the breaker to close" },
    );
    expect(closed.consecutive_failures).toBe(0);
    // The first request after the failures came once the breaker could half-open.
    expect(r.requests[3]!.at).toBeGreaterThanOrEqual(Date.parse(open.breaker_open_until!) - 50);
    const attempts = await attemptsOf(h.deps, ep);
    expect(attempts.filter((a) => a.msg_id === first.msg_id).map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
  });
});

describe("a new URL", () => {
  it("closes the breaker and ends the failing run: the fixed endpoint gets its next delivery at once", async () => {
    const broken = await putEndpoint(h.deps, {
      status: "failing",
      consecutive_failures: 40,
      first_failure_at: new Date(Date.now() - 3_600_000).toISOString(),
      failing_since: new Date().toISOString(),
      // Far ahead: a delivery parked by this breaker would not come back within the test's wait.
      breaker_open_until: new Date(Date.now() + 3_600_000).toISOString(),
      slow_until: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const fixed = await h.receiver();
    const updated = await updateEndpoint(h.deps, broken.org_id, broken.id, { url: fixed.url });
    expect(updated).toMatchObject({
      status: "active",
      consecutive_failures: 0,
      first_failure_at: null,
      failing_since: null,
      breaker_open_until: null,
      slow_until: null,
    });
    const t = taskFor(updated);
    await enqueue(h.deps, t);
    await waitForDelivery(h.deps, t, "succeeded");
    expect(fixed.requests).toHaveLength(1);
  });

  it("keeps a disabled endpoint disabled, and the same URL changes nothing", async () => {
    const open = new Date(Date.now() + 3_600_000).toISOString();
    const ep = await putEndpoint(h.deps, { status: "disabled", breaker_open_until: open });
    const same = await updateEndpoint(h.deps, ep.org_id, ep.id, { url: ep.url, label: "x" });
    expect(same).toMatchObject({ status: "disabled", breaker_open_until: open });
    const moved = await updateEndpoint(h.deps, ep.org_id, ep.id, { url: "http://127.0.0.1:9/other" });
    expect(moved).toMatchObject({ status: "disabled", breaker_open_until: null });
  });
});

describe("slow lane", () => {
  it("moves an endpoint that outlasts the shared lane's budget to the slow lane, where it is delivered", async () => {
    const slow = await h.receiver({ fallback: { status: 200, delayMs: 1200 } });
    const ep = await putEndpoint(h.deps, { url: slow.url, timeout_ms: 5000 });
    const t = taskFor(ep);
    await enqueue(h.deps, t);
    const d = await waitForDelivery(h.deps, t, "succeeded");
    expect(d.attempts).toBe(1);
    const e = await endpointNow(h.deps, ep);
    expect(Date.parse(e!.slow_until!)).toBeGreaterThan(Date.now());
    // The move is not an attempt: two requests (the cut one may have reached the receiver),
    // one attempt in the log and in the record.
    expect(slow.requests).toHaveLength(2);
    const log = await attemptsOf(h.deps, ep);
    expect(log.map((a) => [a.attempt, a.success])).toEqual([[1, true]]);

    // Now flagged: its next deliveries go straight to the slow lane (one request each).
    const next = [taskFor(ep), taskFor(ep)];
    await enqueue(h.deps, ...next);
    for (const n of next) expect((await waitForDelivery(h.deps, n, "succeeded")).attempts).toBe(1);
    expect(slow.requests).toHaveLength(2 + 2);
  });
});

describe("410 Gone", () => {
  it("disables the endpoint visibly, parks the delivery, and re-enabling it resumes delivery", async () => {
    const r = await h.receiver({ plan: [{ status: 410 }] });
    const ep = await putEndpoint(h.deps, { url: r.url });
    const t = taskFor(ep);
    await putMessageOf(h.deps, t);
    await enqueue(h.deps, t);
    const d = await waitForDelivery(h.deps, t, "skipped");
    expect(d).toMatchObject({ attempts: 1, last_status_code: 410 });
    const e = await waitFor(
      async () => {
        const now = await endpointNow(h.deps, ep);
        return now?.status === "disabled" && now;
      },
      { what: "the endpoint to be disabled" },
    );
    expect(e.last_error).toContain("410");
    expect(r.requests).toHaveLength(1);

    // Re-enabled by its owner: the parked delivery resumes (the maintenance run it schedules).
    await updateEndpoint(h.deps, ep.org_id, ep.id, { status: "active" });
    await fireSchedules(h.deps, new Date(Date.now() + 60_000));
    await waitForDelivery(h.deps, t, "succeeded");
    expect(r.requests).toHaveLength(2);
    const again = taskFor(ep);
    await enqueue(h.deps, again);
    await waitForDelivery(h.deps, again, "succeeded");
  });
});
