/**
 * `filtered_count` under load (core/filters/counts.ts): each process writes an endpoint's count
 * at most once per 5 s, holding the rest, so a busy tenant's filters cannot put a write per
 * event, or per batch, on its organization's partition (which also takes its endpoints' health
 * and breaker writes). What is held is written later, by a batch or by the process's timer, and
 * a refused write is held again: the count ends exact.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../core/all-deps.js";
import { createIngestHandler } from "../../core/events/ingest-handler.js";
import { FILTER_COUNT_SPACING_MS, filterCountWaitMs } from "../../core/filters/index.js";
import type { FilterCountStore } from "../../core/store/filter-counts.js";
import { putEndpoint } from "../support/endpoints.js";
import { sqsEvent } from "../support/sqs-event.js";
import { createTestStack, type TestStack, uniqueOrg } from "../support/stack.js";
import { waitFor } from "../support/wait.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack();
});

const refusing = JSON.stringify({ data: { amount: { $gte: 100 } } });

/** One process of the ingest function on a clock the test moves, recording each count it writes. */
function ingestProcess(fail: (call: number) => boolean = () => false) {
  let clock = Date.now();
  const adds: { endpointId: string; n?: number }[] = [];
  const recording: FilterCountStore = {
    add: (o, endpointId, n) => {
      adds.push({ endpointId, n });
      if (fail(adds.length)) return Promise.reject(new Error("ProvisionedThroughputExceededException"));
      return stack.deps.filterCountStore.add(o, endpointId, n);
    },
  };
  const deps: Deps = {
    ...stack.deps,
    filterCountStore: recording,
    filterCounts: { held: new Map() },
    now: () => new Date(clock),
  };
  const handler = createIngestHandler(deps);
  /** One batch of `n` events of `org`, each refused by the filters. */
  const batch = async (org: string, n = 10) => {
    const events = Array.from({ length: n }, (_, i) => ({
      body: { org_id: org, type: "telephony.complete", data: { amount: i } },
    }));
    expect((await handler(sqsEvent(events))).batchItemFailures).toEqual([]);
  };
  return { adds, batch, advance: (ms: number) => (clock += ms) };
}

const stored = async (org: string, id: string) =>
  (await stack.deps.endpointStore.get(org, id))?.filtered_count ?? 0;

describe("filtered_count", () => {
  it("a batch of 10 events refused by one endpoint's filter is one write of 10", async () => {
    const org = uniqueOrg();
    const picky = await putEndpoint(stack.deps, { org_id: org, filter: refusing });
    const other = await putEndpoint(stack.deps, {
      org_id: org,
      filter: JSON.stringify({ data: { amount: { $lt: 0 } } }),
    });
    const p = ingestProcess();
    await p.batch(org);

    // Before batching: one ADD per event and endpoint (20 writes on ORG#{org}); now one per endpoint.
    expect(p.adds.sort((a, b) => a.endpointId.localeCompare(b.endpointId))).toEqual(
      [
        { endpointId: picky.id, n: 10 },
        { endpointId: other.id, n: 10 },
      ].sort((a, b) => a.endpointId.localeCompare(b.endpointId)),
    );
    expect(await stored(org, picky.id)).toBe(10);
  });

  it("a process writes an endpoint's count at most once per 5 s: later batches are held and added with the next write", async () => {
    const org = uniqueOrg();
    const picky = await putEndpoint(stack.deps, { org_id: org, filter: refusing });
    const p = ingestProcess();
    await p.batch(org);
    p.advance(1_000);
    await p.batch(org);
    p.advance(1_000);
    await p.batch(org);
    // Three batches, one write (per batch, it was three).
    expect(p.adds).toEqual([{ endpointId: picky.id, n: 10 }]);
    p.advance(FILTER_COUNT_SPACING_MS);
    await p.batch(org);
    expect(p.adds).toEqual([
      { endpointId: picky.id, n: 10 },
      { endpointId: picky.id, n: 30 },
    ]);
    expect(await stored(org, picky.id)).toBe(40);
  });

  it("a held count is written by the process's timer when no batch comes", async () => {
    const org = uniqueOrg();
    const picky = await putEndpoint(stack.deps, { org_id: org, filter: refusing });
    const p = ingestProcess();
    await p.batch(org);
    p.advance(FILTER_COUNT_SPACING_MS - 50);
    await p.batch(org, 4);
    expect(await stored(org, picky.id)).toBe(10);
    // No more events: the timer (armed for the rest of the 5 s) writes what the process holds.
    p.advance(50);
    await waitFor(async () => (await stored(org, picky.id)) === 14, { what: "the held count written" });
    expect(p.adds).toEqual([
      { endpointId: picky.id, n: 10 },
      { endpointId: picky.id, n: 4 },
    ]);
  });

  it("a write DynamoDB refuses (a throttled partition) is held and written after a backoff, never dropped", async () => {
    const org = uniqueOrg();
    const picky = await putEndpoint(stack.deps, { org_id: org, filter: refusing });
    const p = ingestProcess((call) => call === 1);
    await p.batch(org);
    expect(await stored(org, picky.id)).toBe(0);
    // The backoff after one refusal is 1 s (core/lib/held-write.ts), not the 5 s spacing.
    p.advance(1_000);
    await p.batch(org, 3);
    expect(p.adds).toEqual([
      { endpointId: picky.id, n: 10 },
      { endpointId: picky.id, n: 13 },
    ]);
    expect(await stored(org, picky.id)).toBe(13);
  });

  it("waits: none before the first write, the spacing after one, the backoff after a refusal", () => {
    const held = { org: "o", endpointId: "e", n: 3, failedWrites: 0 };
    expect(filterCountWaitMs(held, 10_000)).toBe(0);
    expect(filterCountWaitMs({ ...held, writtenAt: 9_000 }, 10_000)).toBe(FILTER_COUNT_SPACING_MS - 1_000);
    expect(filterCountWaitMs({ ...held, writtenAt: 9_000, failedWrites: 1 }, 10_000)).toBe(0);
    expect(filterCountWaitMs({ ...held, writtenAt: 9_000, failedWrites: 3 }, 10_000)).toBe(3_000);
  });
});
