/**
 * The cost table's compute model (bench/cost.ts) prices "high traffic" at the batch sizes the
 * event sources are deployed with (core/config/infra.ts), not at a number of its own: the
 * delivery lane takes batches of 20 (`DELIVERY_BATCH`) since 9d7a5cf, which the model, fixed at
 * 10, priced at twice its compute per delivery.
 */
import { expect, it } from "vitest";
import { HIGH } from "../../bench/cost.js";
import { DELIVERY_BATCH } from "../../core/config/capacity.js";
import { functions } from "../../core/config/infra.js";

it("high traffic is full batches as deployed: the delivery lane's 20, ingest's 10", () => {
  expect(HIGH).toEqual({ deliver: functions.deliver.batchSize, ingest: functions.ingest.batchSize });
  expect(HIGH.deliver).toBe(DELIVERY_BATCH);
  expect(HIGH.deliver).toBe(20);
  expect(HIGH.ingest).toBe(10);
});
