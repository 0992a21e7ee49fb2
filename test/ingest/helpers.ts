/**
 * Moved to the test kit (test/support/ingest.ts, queues.ts, sqs-event.ts, faults.ts,
 * endpoints.ts); re-exported for test files written against this module while the kit was
 * folded. Import from test/support instead: this file goes once nothing imports it.
 */
import type { Deps } from "../../core/deps.js";
import type { EndpointRecord } from "../../core/model/endpoint.js";
import { putEndpoint as putEndpointFixture } from "../support/endpoints.js";

export { countCalls, failCalls, failEntries } from "../support/faults.js";
export { publishAndProcess, runBatch } from "../support/ingest.js";
export {
  type DeadLetter,
  dlqCollector,
  QueueCollector,
  receiveIds,
  taskCollector,
} from "../support/queues.js";
export { sqsEvent } from "../support/sqs-event.js";

/** The kit's `putEndpoint(deps, { org_id, ... })` under this module's old signature. */
export const putEndpoint = (deps: Deps, org: string, over: Partial<EndpointRecord> = {}) =>
  putEndpointFixture(deps, { org_id: org, ...over });
