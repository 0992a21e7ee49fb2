/**
 * Contract of core/scheduler, the EventBridge Scheduler adapter. Modules outside the folder import
 * only this index (docs/design.md, "Layers"); what it does not re-export is internal to the
 * folder.
 */
export { eventBridgeScheduler } from "./eventbridge.js";
