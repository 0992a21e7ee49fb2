/**
 * Contract of core/delivery, delivering a task to an endpoint: the delivery and maintenance
 * handlers, recovery (resend, recover) and the attempt log. Modules outside the folder import only
 * this index (docs/design.md, "Layers"); what it does not re-export is internal to the folder.
 */
export { attemptDetail, endpointAttempts, endpointStats, eventAttempts } from "./attempt-log.js";
export type { AwsClientOptions } from "./aws/options.js";
export { DELIVERY_PORTS, type DeliveryContext } from "./context.js";
export {
  awsDestination,
  destinationByType,
  httpDestination,
  type MemoryDestination,
  memoryDestination,
} from "./destination.js";
export { createDeliveryHandler } from "./handler.js";
export { writeAllHeldHealth } from "./health.js";
export {
  createMaintenanceHandler,
  MAINTENANCE_PORTS,
  type MaintenanceContext,
  type MaintenanceResult,
} from "./maintenance.js";
export { recoverTask, startRecover } from "./recover-task.js";
export { recoverEndpoint, resendDelivery } from "./recovery.js";
export { type RedriveRequest, redriveTask, startRedrive } from "./redrive-task.js";
export { type ReplayRequest, replayTask, startReplay } from "./replay.js";
