/**
 * Contract of core/events, events: publishing, ingest, fan-out to endpoints, and the queries of
 * events. Modules outside the folder import only this index (docs/design.md, "Layers"); what it
 * does not re-export is internal to the folder.
 */
export { exportCatalog, type ImportResult, importCatalog } from "./catalog-contract.js";
export { createEventType } from "./custom-types.js";
export { deleteEventType, updateEventType } from "./event-type-lifecycle.js";
export { ingestEvent } from "./ingest.js";
export { createIngestHandler, INGEST_PORTS, type IngestContext } from "./ingest-handler.js";
export { getEventWithDeliveries, listEvents } from "./query.js";
export { type SweepResult, sweepOpenFanouts } from "./sweep.js";
export { sendTestEvent } from "./test-event.js";
