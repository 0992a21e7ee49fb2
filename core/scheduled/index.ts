/**
 * Contract of core/scheduled: what the scheduled-work function runs (tracked tasks of every
 * kind, and the delivery engine's maintenance). Modules outside the folder import only this
 * index (docs/design.md, "Layers").
 */
export {
  createScheduledHandler,
  SCHEDULED_PORTS,
  type ScheduledContext,
  type ScheduledResult,
} from "./handler.js";
export { TASK_KINDS } from "./kinds.js";
