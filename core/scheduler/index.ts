/**
 * Contract of core/scheduler, the EventBridge Scheduler adapter. Modules outside the folder import
 * only this index (docs/design.md, "Layers"); what it does not re-export is internal to the
 * folder.
 */
export { eventBridgeScheduler } from "./eventbridge.js";
export type { MaintenanceRunner } from "./fire.js";
export { fireDueSchedules, localScheduler } from "./local.js";
export { type MemoryScheduler, memoryScheduler } from "./memory.js";
