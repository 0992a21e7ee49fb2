/**
 * Starting, reading and canceling tracked tasks (docs/tasks.md). A service that has long work
 * to do (a replay, a recover, an erasure) starts a task of its kind with its parameters and
 * answers the task's id at once (`202 {task_id}`); the scheduled-work function runs it
 * (runner.ts). Every read is scoped to the caller's organization: another one's id is a 404.
 */
import type { Uses } from "../deps.js";
import { conflict, isId, newId, notFound, type Page, type TaskRecord } from "../model/index.js";
import { scheduleRun } from "./run-event.js";

export interface StartTask {
  org: string;
  /** A kind the scheduled-work function knows (core/scheduled/kinds.ts). */
  kind: string;
  /** Checked by the caller (the route's schema) and again by the kind before each run. */
  params: Record<string, unknown>;
  /** The number of items, when the caller knows it already. */
  total?: number;
}

/** Records a queued task and schedules its first run now. */
export async function startTask(
  deps: Uses<"taskStore" | "scheduler" | "now">,
  { org, kind, params, total }: StartTask,
): Promise<TaskRecord> {
  const now = deps.now();
  const at = now.toISOString();
  const task: TaskRecord = {
    org_id: org,
    id: newId("task", now),
    kind,
    status: "queued",
    params,
    total: total ?? null,
    done: 0,
    failed: 0,
    cursor: null,
    run: 0,
    lease_until: at,
    errors: 0,
    error: null,
    created_at: at,
    started_at: null,
    finished_at: null,
    updated_at: at,
  };
  await deps.taskStore.create(task);
  await scheduleRun(deps, task, now, "start");
  return task;
}

/** The task, or 404 (also for another organization's id). */
export async function getTask(deps: Uses<"taskStore">, org: string, id: string): Promise<TaskRecord> {
  const task = isId("task", id) ? await deps.taskStore.get(org, id) : undefined;
  if (!task) throw notFound("task");
  return task;
}

/** The organization's tasks, newest first. */
export function listTasks(
  deps: Uses<"taskStore">,
  org: string,
  page: Parameters<Uses<"taskStore">["taskStore"]["list"]>[1],
): Promise<Page<TaskRecord>> {
  return deps.taskStore.list(org, page);
}

/**
 * Cancels a queued or running task: no further step starts (a step under way finishes, and
 * what it did stays done). 409 `task_finished` when it had already ended.
 */
export async function cancelTask(
  deps: Uses<"taskStore" | "now">,
  org: string,
  id: string,
): Promise<TaskRecord> {
  const canceled = isId("task", id) ? await deps.taskStore.cancel(org, id, deps.now()) : undefined;
  if (canceled) return canceled;
  const task = await getTask(deps, org, id);
  throw conflict(
    "task_finished",
    `the task has already ${task.status === "canceled" ? "been canceled" : "finished"}`,
  );
}
