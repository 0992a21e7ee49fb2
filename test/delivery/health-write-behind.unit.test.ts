/**
 * Health writes are held and retried, never dropped (#25 item 5: `flapping` dropped 1.68 M
 * health writes on its hot `ORG#` key; finish.ts logged "endpoint health update failed" and
 * the batch's failures were lost). The production health writes, in memory, with the
 * endpoint's item throttled the way DynamoDB refuses a hot partition.
 */
import { expect, it } from "vitest";
import { createMemoryContext } from "../../core/compose.js";
import { applyHealth, flushHeldHealth, type HealthObservation } from "../../core/delivery/health.js";
import {
  FAILURE_WRITE_SPACING_MS,
  retryDelayMs,
  summarize,
} from "../../core/delivery/policy/write-behind.js";
import type { HealthMemo } from "../../core/deps.js";
import { lruMemo } from "../../core/lib/index.js";
import { putEndpointRecord } from "../support/endpoints.js";

const throttled = () =>
  Object.assign(new Error("Rate of requests exceeds the allowed throughput"), {
    name: "ProvisionedThroughputExceededException",
  });

async function throttledEndpoint(refusals: number) {
  let clock = Date.parse("2026-01-01T00:00:00Z");
  const ctx = createMemoryContext({ now: () => new Date(clock) });
  const ep = await putEndpointRecord(ctx.deps, { org_id: "org_hot", url: "https://hot.test/hook" });
  let left = refusals;
  const store = ctx.deps.healthStore;
  const healthStore = {
    ...store,
    recordFailures: (...a: Parameters<typeof store.recordFailures>) =>
      left-- > 0 ? Promise.reject(throttled()) : store.recordFailures(...a),
  };
  const deps = { ...ctx.deps, healthStore };
  const fail = (n: number) =>
    Array.from({ length: n }, () => ({ ok: false, at: new Date(clock), error: "HTTP 500" }));
  const stored = async () => (await ctx.deps.endpointStore.get(ep.org_id, ep.id))!;
  return { deps, ep, fail, stored, tick: (ms: number) => (clock += ms) };
}

it("a throttled failure count is held and written with the endpoint's next batch, not dropped", async () => {
  const t = await throttledEndpoint(1);
  await expect(applyHealth(t.deps, t.ep, t.fail(3))).resolves.toBeUndefined();
  expect((await t.stored()).consecutive_failures).toBe(0);
  t.tick(retryDelayMs(1));
  await applyHealth(t.deps, t.ep, t.fail(2));
  expect((await t.stored()).consecutive_failures).toBe(5);
});

it("held health is written by a later batch of other endpoints once its backoff is over", async () => {
  const t = await throttledEndpoint(2);
  await applyHealth(t.deps, t.ep, t.fail(4));
  await flushHeldHealth(t.deps, new Set());
  t.tick(retryDelayMs(1));
  await flushHeldHealth(t.deps, new Set()); // throttled again: held, backing off 2 s
  t.tick(retryDelayMs(1));
  await flushHeldHealth(t.deps, new Set()); // too early
  expect((await t.stored()).consecutive_failures).toBe(0);
  t.tick(retryDelayMs(2));
  await flushHeldHealth(t.deps, new Set());
  const written = await t.stored();
  expect(written.consecutive_failures).toBe(4);
  expect(written.first_failure_at).toBe("2026-01-01T00:00:00.000Z");
});

it("summarizes what is held in at most three observations that write the same", () => {
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
  const failures: HealthObservation[] = [1, 2, 3, 4].map((s) => ({ ok: false, at: at(s), error: `e${s}` }));
  const f = summarize(failures);
  expect(f.map((o) => [o.at.getUTCSeconds(), o.count, o.error])).toEqual([
    [1, 1, "e1"],
    [4, 3, "e4"],
  ]);
  expect(summarize([...f, ...failures]).reduce((n, o) => n + (o.count ?? 1), 0)).toBe(8);
  const mixed: HealthObservation[] = [
    ...failures,
    { ok: true, at: at(2), error: null, test: true },
    { ok: true, at: at(3), error: null },
  ];
  expect(summarize(mixed).map((o) => [o.ok, o.at.getUTCSeconds(), o.test ?? false])).toEqual([
    [true, 3, false],
    [true, 2, true],
  ]);
});

it("held health stays in the root's bounded memo while other endpoints' memos come and go", async () => {
  const t = await throttledEndpoint(1);
  const deps = { ...t.deps, healthMemos: lruMemo<HealthMemo>(2, (m) => m.held !== undefined) };
  await applyHealth(deps, t.ep, t.fail(3)); // throttled: held
  // Other endpoints' successes fill the memo past its bound (their writes need none).
  for (const id of ["ep_x", "ep_y", "ep_z"])
    await applyHealth(deps, { ...t.ep, id }, [{ ok: true, at: new Date(0), error: null }]);
  t.tick(retryDelayMs(1));
  await flushHeldHealth(deps, new Set());
  expect((await t.stored()).consecutive_failures).toBe(3);
});

it("an access refusal held between failures of other kinds is still noticed when the summary is written", async () => {
  let clock = Date.parse("2026-01-01T00:00:00Z");
  const ctx = createMemoryContext({ now: () => new Date(clock) });
  const ep = await putEndpointRecord(ctx.deps, { org_id: "org_denied", url: "https://denied.test/hook" });
  const refusals: string[] = [];
  const store = ctx.deps.healthStore;
  const healthStore = {
    ...store,
    enterAccessDenied: (...a: Parameters<typeof store.enterAccessDenied>) => {
      refusals.push(a[1].lastError);
      return store.enterAccessDenied(...a);
    },
  };
  const deps = { ...ctx.deps, healthStore };
  const seen = (error: string, accessDenied?: boolean): HealthObservation[] => [
    { ok: false, at: new Date(clock), error, ...(accessDenied ? { accessDenied } : {}) },
  ];
  await applyHealth(deps, ep, seen("HTTP 500")); // written at once
  for (const [error, denied] of [["HTTP 500"], ["AccessDenied: role", true], ["timeout"]] as const) {
    clock += 1_000;
    await applyHealth(deps, ep, seen(error, denied)); // held within the spacing, summarized
  }
  clock += FAILURE_WRITE_SPACING_MS;
  await flushHeldHealth(deps, new Set());
  expect(refusals).toEqual(["AccessDenied: role"]);
  const stored = (await ctx.deps.endpointStore.get(ep.org_id, ep.id))!;
  expect(stored.consecutive_failures).toBe(4);
  expect(stored.last_error).toBe("timeout");
});
