/**
 * What a kind of tracked task is: its parameters and one step of its work. The runner
 * (runner.ts) calls `step` again and again, from the cursor the previous step returned, until
 * a step says `finished`; between steps it saves the cursor and the counts, so a run that
 * crashes is resumed by the next one from the last saved cursor (docs/tasks.md).
 *
 * A step must be safe to run twice from the same cursor (a crash after the step's work and
 * before its save repeats it). A step that sends items (replay, redrive) claims each one for
 * its run (`claimItem`, checked where the item acts), so what a repeated step sends again is
 * dropped: no item acts twice within one task.
 *
 * @example
 * const countTo: TaskKind<{ n: number }> = {
 *   params: z.object({ n: z.number().int() }),
 *   async step(_deps, { params, cursor }) {
 *     const at = Number(cursor ?? 0) + 1;
 *     return { cursor: String(at), done: 1, failed: 0, total: params.n, finished: at >= params.n };
 *   },
 * };
 */
import type * as z from "zod";
import type { Parts, Uses } from "../deps.js";

export interface TaskStepInput<P> {
  org: string;
  taskId: string;
  /** The run making this step: what its item claims carry. */
  run: number;
  params: P;
  /** Where to start; null on the first step. */
  cursor: string | null;
  /** The total as saved so far (null until a step counted it). */
  total: number | null;
}

export interface TaskStepResult {
  /** Where the next step starts (ignored once finished). */
  cursor: string | null;
  /** Items this step handled (increments, not totals). */
  done: number;
  failed: number;
  /** The number of items the task will handle, once known. */
  total?: number;
  finished: boolean;
  /** Ends the task as failed with this reason (a failure that repeating cannot fix). */
  fatal?: string;
  /**
   * Work that must follow the save of this step, never precede it: what would hide the step's
   * items from a repeat of it (a replay takes them out of the recovery index). A crash before
   * the save repeats the step with its items still there; one after leaves them there.
   */
  commit?: () => Promise<void>;
}

/**
 * What a task's steps and its runner are handed (core/compose.ts contextFor; part of
 * SCHEDULED_PORTS): the union of what the kinds (recover, replay, redrive, erase) use.
 */
export const TASK_PORTS = [
  "config",
  "now",
  "sqs",
  "taskQueue",
  "scheduler",
  "endpointStore",
  "messageStore",
  "deliveryStore",
  "taskStore",
  "replaySource",
  "erasureStore",
] as const satisfies Parts;

export type TaskContext = Uses<(typeof TASK_PORTS)[number]>;

export interface TaskKind<P = unknown> {
  /** Checks the stored parameters before the first step of every run. */
  params: z.ZodType<P>;
  step(deps: TaskContext, input: TaskStepInput<P>): Promise<TaskStepResult>;
}

/** Every kind a runner can run, by name (the `kind` of the task record). */
export type TaskKinds = Readonly<Record<string, TaskKind<unknown>>>;
