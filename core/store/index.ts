/**
 * Contract of core/store, the DynamoDB adapter: the table client and one module per item family.
 * Modules outside the folder import only this index (docs/design.md, "Layers"); what it does not
 * re-export is internal to the folder.
 */
export { cachedKeyLookups } from "./api-key-cache.js";
export { type ApiKeyStore, apiKeyStore } from "./api-keys.js";
export { type AttemptStore, attemptStore } from "./attempts.js";
export { createDb } from "./db.js";
export { type DeliveryStore, deliveryStore } from "./deliveries.js";
export { type EndpointHandleStore, endpointHandleStore } from "./endpoint-handles.js";
export { type HealthStore, healthStore } from "./endpoint-health.js";
export { type EndpointStore, endpointStore } from "./endpoints.js";
export { type ErasureStore, erasureStore } from "./erasures.js";
export { type EventTypeStore, eventTypeStore } from "./event-types.js";
export { type FilterCountStore, filterCountStore } from "./filter-counts.js";
export { createMemoryDb, type MemoryDb } from "./memory-db.js";
export { type FanoutStore, fanoutStore } from "./message-fanout.js";
export { type MessageStore, messageStore } from "./messages.js";
export type { OpenFanout } from "./open-fanouts.js";
export { type OrgStore, orgStore } from "./orgs.js";
export { type PingStore, pingStore } from "./ping.js";
export { type PortalSessionStore, portalSessionStore } from "./portal-sessions.js";
export { type RateLimitStore, rateLimitStore, type TakenSlot } from "./rate-limit.js";
export {
  type ReplayItem,
  type ReplaySource,
  type ReplayStatus,
  replaySource,
} from "./replay-source.js";
export { type ScheduleStore, scheduleStore } from "./schedules.js";
export type { Db } from "./table.js";
export { type TaskProgress, type TaskStore, taskStore } from "./tasks.js";
