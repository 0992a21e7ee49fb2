/**
 * The ingest process's one filter-count timer (core/filters/counts.ts) writes a held count once
 * it is due, not when the timer was armed for: an endpoint whose writes DynamoDB keeps refusing
 * backs off up to a minute, and another endpoint's count held behind its 5 s spacing re-arms
 * the timer for its own time (core/lib/held-write.ts `armHeldTimer`, as the health writes'
 * timer). The production counting on the memory stores; the timers and the clock are vitest's
 * fake ones.
 */
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { createMemoryContext } from "../../core/compose.js";
import { countFiltered, FILTER_COUNT_SPACING_MS } from "../../core/filters/index.js";
import { putEndpointRecord } from "../support/endpoints.js";

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  vi.setSystemTime(Date.parse("2026-01-01T00:00:00Z"));
});
afterEach(() => void vi.useRealTimers());

it("a held count due before the timer's time is written when due, not when the timer was armed for", async () => {
  const { deps: memory } = createMemoryContext({ now: () => new Date() });
  const org = "org_filter_timer";
  const a = await putEndpointRecord(memory, { org_id: org, url: "https://a.test/hook" });
  const b = await putEndpointRecord(memory, { org_id: org, url: "https://b.test/hook" });
  // A's item is throttled: every write of its count is refused, so its retries back off.
  const store = memory.filterCountStore;
  const deps = {
    ...memory,
    filterCountStore: {
      add: (o: string, id: string, n: number) =>
        id === a.id ? Promise.reject(new Error("ThrottlingException")) : store.add(o, id, n),
    },
  };
  const count = async (id: string) => (await memory.endpointStore.get(org, id))?.filtered_count ?? 0;

  await countFiltered(deps, org, [a]); // refused at t 0: tried again after 1 s, 2 s, 4 s, 8 s
  await vi.advanceTimersByTimeAsync(7_000); // refused at 1, 3 and 7 s: the timer is armed for 15 s
  await countFiltered(deps, org, [b]); // written at once
  await countFiltered(deps, org, [b]); // held: due at 12 s
  expect(await count(b.id)).toBe(1);

  await vi.advanceTimersByTimeAsync(FILTER_COUNT_SPACING_MS);
  expect(await count(b.id)).toBe(2);
});
