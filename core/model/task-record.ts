/**
 * A tracked task (docs/tasks.md): long work an API call starts and a client follows by id
 * (`GET /v1/tasks/{id}`): a replay, a recover, a DLQ redrive, an erasure. Not to be confused
 * with a delivery task (core/model/task.ts), the SQS message of one event to one endpoint.
 *
 * The record is the whole state of the work: its kind and parameters, where it is (`cursor`,
 * opaque to everyone but its kind), what it has done, and who is running it (`run` and
 * `lease_until`: core/tasks/runner.ts). Written by core/store/tasks.ts only.
 */

export const TASK_STATUSES = ["queued", "running", "succeeded", "failed", "canceled"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** A task in one of these states never runs again. */
export const FINISHED_TASK_STATUSES: ReadonlySet<TaskStatus> = new Set(["succeeded", "failed", "canceled"]);

export interface TaskRecord {
  org_id: string;
  /** `task_<ulid>`: sorts by creation. */
  id: string;
  /** What the task does (`replay`, `recover`, `dlq_redrive`, `erasure`): picks its step function. */
  kind: string;
  status: TaskStatus;
  /** The kind's parameters, as given when the task was started (JSON, validated by the kind). */
  params: Record<string, unknown>;
  /** The items the task will handle, when known (null until its kind has counted them). */
  total: number | null;
  /** Items handled successfully so far. */
  done: number;
  /** Items that could not be handled (they stay where they were: the task goes on without them). */
  failed: number;
  /** Where the next step starts; null before the first. Opaque: only the kind reads it. */
  cursor: string | null;
  /** How many times a runner has claimed the task (each claim is a new run: a crash ends one). */
  run: number;
  /** Until then the run `run` holds the task; after it, another run may take it over (created_at at first). */
  lease_until: string;
  /** Consecutive failed steps; the task fails once they reach MAX_TASK_STEP_ERRORS. */
  errors: number;
  /** The last error (a failed step, or why the task failed). */
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  updated_at: string;
}

/** A step that fails this many times in a row fails the task. */
export const MAX_TASK_STEP_ERRORS = 5;
