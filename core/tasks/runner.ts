/**
 * Runs a tracked task: one invocation of the scheduled-work function is one run. A run claims
 * the task (a lease, core/store/tasks.ts), schedules a watchdog run for when its lease ends,
 * then makes steps (kind.ts), saving the cursor and counts after each, until the task is
 * finished or the run's working time (`TASK_RUN_SECONDS`) is used up; then it releases the
 * lease and schedules the next run at once.
 *
 * - A crash (the function killed, a save that throws) leaves the lease to expire: the watchdog
 *   then resumes from the last saved cursor, in a new run.
 * - A cancel (`DELETE /v1/tasks/{id}`) makes the run's next save fail its condition: the run stops.
 * - A step that throws is retried by a later run (the lease kept for a backoff), and fails the
 *   task after MAX_TASK_STEP_ERRORS in a row.
 */
import { logger } from "../log/index.js";
import { MAX_TASK_STEP_ERRORS, type TaskRecord } from "../model/index.js";
import type { TaskContext, TaskKind, TaskKinds, TaskStepResult } from "./kind.js";
import { runScheduleName, scheduleRun, type TaskRunEvent } from "./run-event.js";

export type TaskRunResult = { done: "unchanged" | "stopped" | "finished" | "handed_over" | "retrying" };

/** Seconds after the lease ends that the watchdog fires (so it never finds the lease still held). */
const WATCHDOG_MARGIN_SECONDS = 5;

export async function runTask(deps: TaskContext, kinds: TaskKinds, ev: TaskRunEvent): Promise<TaskRunResult> {
  const now = deps.now();
  const leaseUntil = after(now, deps.config.tasks.leaseSeconds);
  const task = await deps.taskStore.claim(ev.org_id, ev.task_id, now, leaseUntil);
  if (!task) return { done: "unchanged" }; // finished, canceled, gone, or another run holds it
  const kind: TaskKind<unknown> | undefined = kinds[task.kind];
  const params = kind?.params.safeParse(task.params);
  if (!kind || !params?.success) {
    const error = kind ? "the task's parameters are not valid" : `unknown task kind ${task.kind}`;
    await save(deps, task, { cursor: task.cursor, done: 0, failed: 0, finished: true, fatal: error });
    return { done: "finished" };
  }
  const watchdog = `watch-${task.run}`;
  await scheduleRun(deps, task, after(leaseUntil, WATCHDOG_MARGIN_SECONDS), watchdog);
  const result = await steps(deps, kind, task, params.data);
  if (result.done !== "stopped") await deps.scheduler.cancel(runScheduleName(task.id, watchdog));
  return result;
}

async function steps(deps: TaskContext, kind: TaskKind<unknown>, claimed: TaskRecord, params: unknown) {
  const started = performance.now();
  const task = { ...claimed };
  for (;;) {
    let step: TaskStepResult;
    try {
      step = await kind.step(deps, {
        org: task.org_id,
        taskId: task.id,
        run: task.run,
        params,
        cursor: task.cursor,
        total: task.total,
      });
    } catch (err) {
      return stepFailed(deps, task, err);
    }
    const handOver = performance.now() - started >= deps.config.tasks.runSeconds * 1000;
    if (!(await save(deps, task, step, handOver))) return { done: "stopped" } as const;
    await step.commit?.();
    if (step.finished || step.fatal) return { done: "finished" } as const;
    Object.assign(task, { cursor: step.cursor, errors: 0, total: step.total ?? task.total });
    if (handOver) {
      await scheduleRun(deps, task, deps.now(), `next-${task.run}`);
      return { done: "handed_over" } as const;
    }
  }
}

/** Saves a step's progress (and releases the lease when the run ends there); false when the run lost the task. */
async function save(
  deps: TaskContext,
  task: TaskRecord,
  step: TaskStepResult,
  release = false,
): Promise<boolean> {
  const now = deps.now();
  const end = step.fatal ? ("failed" as const) : step.finished ? ("succeeded" as const) : undefined;
  const saved = await deps.taskStore.progress(
    task.org_id,
    task.id,
    task.run,
    {
      cursor: step.cursor,
      done: step.done,
      failed: step.failed,
      ...(step.total !== undefined ? { total: step.total } : {}),
      errors: 0,
      ...(step.fatal ? { error: step.fatal } : {}),
      ...(end ? { status: end } : {}),
      // Kept while the run goes on; handed back (now) when it ends, so the next run may start at once.
      leaseUntil:
        end || release ? now.toISOString() : after(now, deps.config.tasks.leaseSeconds).toISOString(),
    },
    now,
  );
  if (!saved) logger.info("task run stopped: canceled or taken over", { task_id: task.id, run: task.run });
  if (end) logger.info("task finished", { task_id: task.id, org_id: task.org_id, status: end });
  return saved;
}

/** A step threw: retried after a backoff by a later run, or the task fails. */
async function stepFailed(deps: TaskContext, task: TaskRecord, err: unknown): Promise<TaskRunResult> {
  const errors = task.errors + 1;
  const message = err instanceof Error ? err.message : String(err);
  logger.warn("task step failed", { task_id: task.id, org_id: task.org_id, errors, error: message });
  const now = deps.now();
  const fails = errors >= MAX_TASK_STEP_ERRORS;
  const retryAt = after(now, 5 * 2 ** errors);
  const saved = await deps.taskStore.progress(
    task.org_id,
    task.id,
    task.run,
    {
      cursor: task.cursor,
      done: 0,
      failed: 0,
      errors,
      error: message.slice(0, 500),
      ...(fails ? { status: "failed" as const } : {}),
      leaseUntil: (fails ? now : retryAt).toISOString(),
    },
    now,
  );
  if (!saved) return { done: "stopped" };
  if (fails) return { done: "finished" };
  await scheduleRun(deps, task, retryAt, `retry-${task.run}`);
  return { done: "retrying" };
}

function after(at: Date, seconds: number): Date {
  return new Date(at.getTime() + seconds * 1000);
}
