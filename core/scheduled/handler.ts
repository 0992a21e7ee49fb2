/**
 * The scheduled-work function's handler (functions/scheduled.ts, and the local scheduler):
 * a run of a tracked task (core/tasks), or the delivery engine's maintenance (auto-disable,
 * resume: core/delivery/maintenance.ts).
 */
import {
  createMaintenanceHandler,
  MAINTENANCE_PORTS,
  type MaintenanceContext,
  type MaintenanceResult,
} from "../delivery/index.js";
import type { Parts } from "../deps.js";
import { withInvocation } from "../log/index.js";
import {
  runTask,
  TASK_PORTS,
  type TaskContext,
  type TaskKinds,
  type TaskRunResult,
  taskRunEvent,
} from "../tasks/index.js";
import { TASK_KINDS } from "./kinds.js";

/** What the scheduled-work function is handed (core/compose.ts contextFor): maintenance's parts and the tasks'. */
export const SCHEDULED_PORTS = [...new Set([...MAINTENANCE_PORTS, ...TASK_PORTS])] satisfies Parts;

export type ScheduledContext = MaintenanceContext & TaskContext;

export type ScheduledResult = MaintenanceResult | TaskRunResult;

export function createScheduledHandler(
  deps: ScheduledContext,
  kinds: TaskKinds = TASK_KINDS,
): (event: unknown, context?: { awsRequestId?: string }) => Promise<ScheduledResult> {
  const maintenance = createMaintenanceHandler(deps);
  return (event, context) =>
    withInvocation(context, () => {
      const run = taskRunEvent.safeParse(typeof event === "string" ? safeJson(event) : event);
      if (run.success) return runTask(deps, kinds, run.data);
      return maintenance(event);
    });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
