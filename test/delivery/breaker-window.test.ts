/**
 * The breaker and the slow lane judged over a window of attempts (core/delivery/policy/window.ts,
 * core/delivery/health.ts), on the real health writes (DynamoDB Local). Each batch hands the
 * health writes the endpoint record it was delivered with, which the endpoint cache keeps for
 * seconds: here, the record from before any attempt, every time.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../core/all-deps.js";
import { applyHealth, type HealthObservation } from "../../core/delivery/health.js";
import type { EndpointRecord } from "../../core/model/endpoint.js";
import { endpointNow, putEndpoint } from "../support/endpoints.js";
import { createTestStack, type TestStack, uniqueOrg } from "../support/stack.js";

let stack: TestStack;
let deps: Deps;
let clock = Date.parse("2026-06-01T00:00:00.000Z");
beforeAll(async () => {
  // The production budget (the test stack's default is 60 s, so loaded machines never move an endpoint).
  stack = await createTestStack({ FAST_LANE_BUDGET_MS: "2000" });
  // The process's own clock, moved by the tests (one attempt every 100 ms).
  deps = { ...stack.deps, now: () => new Date(clock), healthMemos: new Map() };
});

/** One batch with one attempt: `ok`, answered in `latencyMs`. */
async function attempt(cached: EndpointRecord, ok: boolean, latencyMs = 50) {
  clock += 100;
  const o: HealthObservation = { ok, at: new Date(clock), error: ok ? null : "HTTP 500", latencyMs };
  await applyHealth(deps, cached, [o]);
}

describe("breaker over a window", () => {
  it("200, 500, 200, 500 …: never two failures in a row, never cut off", async () => {
    const cached = await putEndpoint(deps, { org_id: uniqueOrg() });
    for (let i = 0; i < 40; i++) await attempt(cached, i % 2 === 0);
    const now = await endpointNow(deps, cached);
    expect(now?.breaker_open_until ?? null).toBeNull();
    expect(now?.consecutive_failures).toBeLessThanOrEqual(1);
  });

  it("failing 9 times in 10 with a success between: the failure rate opens it", async () => {
    const cached = await putEndpoint(deps, { org_id: uniqueOrg() });
    let opened: EndpointRecord | undefined;
    for (let i = 0; i < 30 && !opened; i++) {
      await attempt(cached, i % 10 === 9);
      const now = await endpointNow(deps, cached);
      if (now?.breaker_open_until) opened = now;
    }
    // Never 10 failures in a row (the run rule), yet 90 % failed over the window.
    expect(opened).toBeDefined();
    expect(opened!.consecutive_failures).toBeLessThan(10);
  });

  it("answering 200 after 1.9 s against a 2 s budget: moved to the slow lane by its median latency", async () => {
    const cached = await putEndpoint(deps, { org_id: uniqueOrg() });
    for (let i = 0; i < 5; i++) await attempt(cached, true, 1_900);
    const now = await endpointNow(deps, cached);
    expect(Date.parse(now!.slow_until!)).toBeGreaterThan(clock);
    expect(now?.breaker_open_until ?? null).toBeNull();
  });

  it("mostly fast with an occasional slow answer: stays in the shared lane", async () => {
    const cached = await putEndpoint(deps, { org_id: uniqueOrg() });
    for (let i = 0; i < 30; i++) await attempt(cached, true, i % 3 === 0 ? 1_900 : 80);
    expect((await endpointNow(deps, cached))?.slow_until ?? null).toBeNull();
  });
});

describe("the endpoint's shared consecutive_failures does not open the breaker", () => {
  it("other processes' failures bring the shared count to the threshold between their successes: not cut off", async () => {
    const cached = await putEndpoint(deps, { org_id: uniqueOrg() });
    // Nine failures other processes counted between their own successes (not all written).
    await deps.healthStore.recordFailures(cached, {
      count: 9,
      lastError: "HTTP 500",
      at: new Date(clock).toISOString(),
    });
    await attempt(cached, false);
    const now = await endpointNow(deps, cached);
    expect(now?.consecutive_failures).toBe(10);
    expect(now?.breaker_open_until ?? null).toBeNull();
  });

  it("ten failures in a row made by this process open it, and the event names the run", async () => {
    const cached = await putEndpoint(deps, { org_id: uniqueOrg() });
    for (let i = 0; i < 9; i++) await attempt(cached, false);
    expect((await endpointNow(deps, cached))?.breaker_open_until ?? null).toBeNull();
    await attempt(cached, false);
    const now = await endpointNow(deps, cached);
    expect(now?.breaker_open_until ?? null).not.toBeNull();
    // The batch that opened it was counted too (the run's count, its start).
    expect(now?.consecutive_failures).toBe(10);
    expect(now?.first_failure_at).not.toBeNull();
  });
});
