/**
 * The scheduled-work function's handler (functions/scheduled.ts, and the local scheduler):
 * a run of a tracked task (core/tasks), or the delivery engine's maintenance (auto-disable,
 * resume: core/delivery/maintenance.ts).
 */
import { createMaintenanceHandler, type MaintenanceResult } from "../delivery/index.js";
import type { Deps } from "../deps.js";
import { withInvocation } from "../log/index.js";
import { runTask, type TaskKinds, type TaskRunResult, taskRunEvent } from "../tasks/index.js";
import { TASK_KINDS } from "./kinds.js";

export type ScheduledResult = MaintenanceResult | TaskRunResult;

export function createScheduledHandler(
  deps: Deps,
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
