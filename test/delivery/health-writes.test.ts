/**
 * An endpoint's failure counts are written once per process per `FAILURE_WRITE_SPACING_MS`
 * (issue #25, hot partitions: a dead endpoint in nearly every batch of the shared lane made a
 * health write per batch on its organization's `ORG#` item, ~1,500 a second), and a health
 * write DynamoDB throttles is tried once, held, and written later: it does not keep its batch
 * waiting out the SDK's backoff, and its counts are not lost. The production health writes
 * (core/delivery/health.ts) on DynamoDB Local; the throttle is injected inside the SDK's retry
 * loop, so the client's own retry strategy sees it as DynamoDB's.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../core/all-deps.js";
import { applyHealth, flushHeldHealth, type HealthObservation } from "../../core/delivery/health.js";
import { FAILURE_WRITE_SPACING_MS, retryDelayMs } from "../../core/delivery/policy/write-behind.js";
import type { EndpointRecord } from "../../core/model/endpoint.js";
import { endpointNow, putEndpoint } from "../support/endpoints.js";
import { awsError } from "../support/faults.js";
import { createTestStack, type TestStack, uniqueOrg } from "../support/stack.js";

let stack: TestStack;
let deps: Deps;
let clock = Date.parse("2026-06-01T00:00:00.000Z");
beforeAll(async () => {
  stack = await createTestStack();
  // The breaker never opens here (its run and rate out of reach): what is counted is the
  // failures' own writes. breaker-window.test.ts shows the breaker judged as before.
  const isolation = { ...stack.config.isolation, breakerFailures: 1_000_000, windowMinRequests: 1_000_000 };
  deps = { ...stack.deps, config: { ...stack.deps.config, isolation }, now: () => new Date(clock) };
});

const fail = (): HealthObservation => ({ ok: false, at: new Date(clock), error: "HTTP 500", latencyMs: 5 });

type Handler = (args: { input: Record<string, unknown> }) => Promise<unknown>;
interface Stacked {
  middlewareStack: {
    add(mw: (next: Handler, ctx: { commandName?: string }) => Handler, o: object): void;
    remove(name: string): boolean;
  };
}

/**
 * Counts the UpdateItem calls that reach DynamoDB on `ep`'s item, each attempt of the SDK's
 * (the middleware sits in the deserialize step, inside the retry loop), and throttles them
 * while `throttling()`.
 */
function watchEndpointItem(ep: EndpointRecord, throttling: () => boolean) {
  const stack = (deps.db.doc as unknown as Stacked).middlewareStack;
  const name = `health-writes-${ep.id}`;
  const seen = { attempts: 0 };
  stack.add(
    (next, ctx) => async (args) => {
      // Marshalled by now ({ sk: { S: "EP#…" } }).
      const key = JSON.stringify(args.input.Key ?? {});
      if (ctx.commandName !== "UpdateItemCommand" || !key.includes(`"EP#${ep.id}"`)) return next(args);
      seen.attempts++;
      if (throttling()) throw awsError("ProvisionedThroughputExceededException", "throttled (test)");
      return next(args);
    },
    { step: "deserialize", name },
  );
  return { seen, restore: () => void stack.remove(name) };
}

describe("failure counts written behind", () => {
  it("N failures of one endpoint in one process over T make at most ceil(T / spacing) + 1 writes, and all N are counted", async () => {
    const ep = await putEndpoint(deps, { org_id: uniqueOrg() });
    const watch = watchEndpointItem(ep, () => false);
    const n = 100;
    const gapMs = 200; // 100 batches of one failure over 20 s
    try {
      for (let i = 0; i < n; i++) {
        clock += gapMs;
        await applyHealth(deps, ep, [fail()]);
      }
      // Before: one write per batch (100, and the run's start). Now: the first at once (with the
      // run's start), then one per 5 s.
      const writes = watch.seen.attempts;
      expect(writes).toBeLessThan(n / 10);
      expect(writes).toBeLessThanOrEqual(Math.ceil((n * gapMs) / FAILURE_WRITE_SPACING_MS) + 1 + 1);
      // The rest is held, not lost: written once due, by the process's next batch or its timer.
      clock += FAILURE_WRITE_SPACING_MS;
      await flushHeldHealth(deps, new Set());
    } finally {
      watch.restore();
    }
    const now = await endpointNow(deps, ep);
    expect(now?.consecutive_failures).toBe(n);
    expect(now?.first_failure_at).not.toBeNull();
    expect(now?.last_error).toBe("HTTP 500");
  });

  it("a throttled health write is tried once (its batch does not wait out the SDK's backoff), held, and written later", async () => {
    const ep = await putEndpoint(deps, { org_id: uniqueOrg() });
    let throttling = true;
    const watch = watchEndpointItem(ep, () => throttling);
    try {
      // Outside the health writes the client retries a throttle (3 attempts): the injection is
      // inside the SDK's retry loop.
      await expect(deps.healthStore.markSlow(ep, new Date(clock).toISOString())).rejects.toThrow();
      expect(watch.seen.attempts).toBe(3);
      watch.seen.attempts = 0;

      clock += 1_000;
      await expect(applyHealth(deps, ep, [fail(), fail(), fail()])).resolves.toBeUndefined();
      expect(watch.seen.attempts).toBe(1);
      expect((await endpointNow(deps, ep))?.consecutive_failures).toBe(0);

      // Throttled again after its backoff: tried once more, still held.
      clock += retryDelayMs(1);
      await flushHeldHealth(deps, new Set());
      expect(watch.seen.attempts).toBe(2);

      throttling = false;
      clock += retryDelayMs(2);
      await applyHealth(deps, ep, [fail(), fail()]);
    } finally {
      watch.restore();
    }
    const now = await endpointNow(deps, ep);
    expect(now?.consecutive_failures).toBe(5);
    expect(now?.first_failure_at).toBe(new Date(clock - retryDelayMs(2) - retryDelayMs(1)).toISOString());
  });
  it("failures held by one process are not counted after another process's later success reset the run", async () => {
    const ep = await putEndpoint(deps, { org_id: uniqueOrg() });
    // Two processes (their own memos) on one table.
    const b: Deps = { ...deps, healthMemos: new Map() };
    clock += 1_000;
    await applyHealth(deps, ep, [fail()]); // written at once
    clock += 1_000;
    await applyHealth(deps, ep, [fail()]); // held: within the spacing
    clock += 1_000;
    const seenByB = (await endpointNow(deps, ep))!;
    expect(seenByB.consecutive_failures).toBe(1);
    await applyHealth(b, seenByB, [{ ok: true, at: new Date(clock), error: null, latencyMs: 5 }]);
    expect((await endpointNow(deps, ep))?.consecutive_failures).toBe(0);

    // The held failure predates that success: it is not part of a run of failures any more.
    clock += FAILURE_WRITE_SPACING_MS;
    await flushHeldHealth(deps, new Set());
    const now = await endpointNow(deps, ep);
    expect(now?.consecutive_failures).toBe(0);
    expect(now?.first_failure_at).toBeNull();
    expect(now?.last_delivery_at).toBe(new Date(clock - FAILURE_WRITE_SPACING_MS).toISOString());

    // A failure after the success starts a run from its own time.
    clock += FAILURE_WRITE_SPACING_MS;
    await applyHealth(deps, ep, [fail()]);
    const after = await endpointNow(deps, ep);
    expect(after?.consecutive_failures).toBe(1);
    expect(after?.first_failure_at).toBe(new Date(clock).toISOString());
  });
  it("a run's start written with held failures is never before another process's later success", async () => {
    const ep = await putEndpoint(deps, { org_id: uniqueOrg() });
    const b: Deps = { ...deps, healthMemos: new Map() };
    clock += 1_000;
    await applyHealth(deps, ep, [fail()]);
    clock += 1_000;
    await applyHealth(deps, ep, [fail()]); // held
    clock += 1_000;
    await applyHealth(b, (await endpointNow(deps, ep))!, [{ ok: true, at: new Date(clock), error: null }]);
    const success = new Date(clock).toISOString();
    // The held failure (before the success) goes with a later one: the run starts with the later.
    clock += FAILURE_WRITE_SPACING_MS;
    await applyHealth(deps, ep, [fail()]);
    const now = await endpointNow(deps, ep);
    expect((now?.first_failure_at ?? "") > success).toBe(true);
    expect(now?.first_failure_at).toBe(new Date(clock).toISOString());
  });
});
