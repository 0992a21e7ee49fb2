/**
 * Moved to the test kit (test/support/delivery.ts, deliveries.ts, endpoints.ts, queues.ts);
 * re-exported for test files written against this module while the kit was folded. Import
 * from test/support instead: this file goes once nothing imports it.
 */
export {
  attemptsOf,
  deliveryOf,
  enqueue,
  putMessageOf,
  rawItem,
  taskFor,
  waitForDelivery,
} from "../support/deliveries.js";
export {
  type FileHarness,
  fireSchedules,
  type Harness,
  scheduleEntriesWith,
  startHarness,
  useHarness,
} from "../support/delivery.js";
export {
  deleteEndpointItem,
  endpointNow,
  newSecret,
  putEndpoint,
  updateEndpointFields,
} from "../support/endpoints.js";
export { dlqMessageFor } from "../support/queues.js";
