/**
 * `filtered_count` under load: the ingest handler writes each filtering endpoint's count once per
 * batch, not once per event, so a busy tenant's filters cannot put one write per event on its
 * organization's partition (which also takes its endpoints' health and breaker writes).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createIngestHandler } from "../../core/events/ingest-handler.js";
import type { FilterCountStore } from "../../core/store/filter-counts.js";
import { putEndpoint } from "../support/endpoints.js";
import { sqsEvent } from "../support/sqs-event.js";
import { createTestStack, type TestStack, uniqueOrg } from "../support/stack.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack();
});

describe("filtered_count", () => {
  it("a batch of 10 events refused by one endpoint's filter is one write of 10", async () => {
    const org = uniqueOrg();
    const picky = await putEndpoint(stack.deps, {
      org_id: org,
      filter: JSON.stringify({ data: { amount: { $gte: 100 } } }),
    });
    const other = await putEndpoint(stack.deps, {
      org_id: org,
      filter: JSON.stringify({ data: { amount: { $lt: 0 } } }),
    });
    const adds: { endpointId: string; n?: number }[] = [];
    const recording: FilterCountStore = {
      add: (o, endpointId, n) => {
        adds.push({ endpointId, n });
        return stack.deps.filterCountStore.add(o, endpointId, n);
      },
    };
    const handler = createIngestHandler({ ...stack.deps, filterCountStore: recording });
    const events = Array.from({ length: 10 }, (_, i) => ({
      body: { org_id: org, type: "telephony.complete", data: { amount: i } },
    }));
    expect((await handler(sqsEvent(events))).batchItemFailures).toEqual([]);

    // Before: one ADD per event and endpoint (20 writes on ORG#{org}); now one per endpoint.
    expect(adds.sort((a, b) => a.endpointId.localeCompare(b.endpointId))).toEqual(
      [
        { endpointId: picky.id, n: 10 },
        { endpointId: other.id, n: 10 },
      ].sort((a, b) => a.endpointId.localeCompare(b.endpointId)),
    );
    const stored = await stack.deps.endpointStore.get(org, picky.id);
    expect(stored?.filtered_count).toBe(10);
  });
});
