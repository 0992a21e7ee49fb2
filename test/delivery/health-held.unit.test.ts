/**
 * The process's one timer writes held health once due when no batch does
 * (core/delivery/health-held.ts), so the spacing bounds how late a count is written. An
 * endpoint held with an earlier due time than the timer is armed for (another endpoint's
 * throttled write backing off up to a minute, or its spacing ending later) re-arms it. The
 * production health writes in memory; the timers and the clock are vitest's fake ones.
 */
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { createMemoryContext } from "../../core/compose.js";
import { applyHealth } from "../../core/delivery/health.js";
import { FAILURE_WRITE_SPACING_MS } from "../../core/delivery/policy/write-behind.js";
import { putEndpointRecord } from "../support/endpoints.js";

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  vi.setSystemTime(Date.parse("2026-01-01T00:00:00Z"));
});
afterEach(() => void vi.useRealTimers());

it("a held count due before the timer's time is written when due, not when the timer was armed for", async () => {
  const { deps } = createMemoryContext({ now: () => new Date() });
  const org_id = "org_timer";
  const a = await putEndpointRecord(deps, { org_id, url: "https://a.test/hook" });
  const b = await putEndpointRecord(deps, { org_id, url: "https://b.test/hook" });
  const fail = () => [{ ok: false, at: new Date(), error: "HTTP 500" }];
  const count = async (id: string) => (await deps.endpointStore.get(org_id, id))?.consecutive_failures;

  await applyHealth(deps, b, fail()); // written at once: b due again in 5 s
  vi.setSystemTime(Date.now() + 3_000);
  await applyHealth(deps, a, fail()); // written at once: a due again in 5 s
  vi.setSystemTime(Date.now() + 100);
  await applyHealth(deps, a, fail()); // held: the timer armed for a's time, 4.9 s away
  await applyHealth(deps, b, fail()); // held, due 1.9 s away
  expect([await count(a.id), await count(b.id)]).toEqual([1, 1]);

  await vi.advanceTimersByTimeAsync(FAILURE_WRITE_SPACING_MS - 3_100);
  expect([await count(a.id), await count(b.id)]).toEqual([1, 2]);
  await vi.advanceTimersByTimeAsync(3_000);
  expect([await count(a.id), await count(b.id)]).toEqual([2, 2]);
});
