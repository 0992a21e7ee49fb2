/**
 * The scheduled-work event that runs a task (target "maintenance", functions/scheduled.ts):
 * scheduled when the task is started, when a run hands over to the next, and as a watchdog
 * at the end of each run's lease, which resumes the task if that run crashed.
 */
import * as z from "zod";
import type { Uses } from "../deps.js";
import { scheduleName } from "../model/index.js";

export const taskRunEvent = z.object({
  kind: z.literal("task.run"),
  org_id: z.string(),
  task_id: z.string(),
});
export type TaskRunEvent = z.infer<typeof taskRunEvent>;

/** Schedules a run of the task at `at`; `purpose` keeps the entries of one run apart. */
export async function scheduleRun(
  deps: Uses<"scheduler">,
  task: { org_id: string; id: string },
  at: Date,
  purpose: string,
): Promise<void> {
  const event: TaskRunEvent = { kind: "task.run", org_id: task.org_id, task_id: task.id };
  await deps.scheduler.schedule({
    name: runScheduleName(task.id, purpose),
    at,
    target: "maintenance",
    body: JSON.stringify(event),
  });
}

export function runScheduleName(taskId: string, purpose: string): string {
  return scheduleName("task", taskId, purpose);
}
