/**
 * Recover as a tracked task (docs/recovery.md "Recover", docs/tasks.md): `POST
 * /v1/webhook-endpoints/{id}/recover` starts a `recover` task and answers `202 {task_id}`.
 * It re-sends, whatever their number, every delivery of the endpoint that:
 *
 * 1. failed, was abandoned (the recovery index) or was parked (skipped) at or after `since`,
 *    page by page through the replay's machinery (replay.ts), with trigger `recover`;
 * 2. is stuck (stuck.ts: its task lost), among the events created since `since`.
 *
 * `until` is fixed when the task starts, so a delivery that fails again while the task runs is
 * not recovered twice by it. Every delivery task carries the run's claim: a copy sent again
 * after a crash is dropped by the delivery function, so nothing is sent twice within one task.
 */
import type * as z from "zod";
import type { Uses } from "../deps.js";
import { type DeliveryTask, type StoredMessage, taskFor } from "../model/index.js";
import { enqueueTasks } from "../queue/index.js";
import type { TaskContext, TaskKind, TaskStepInput, TaskStepResult } from "../tasks/index.js";
import { withPending } from "./pending.js";
import { readPage, replayPage } from "./replay.js";
import { stuckDeliveries } from "./stuck.js";
import { countWindow, openWindow, startWindowTask, windowParams } from "./window-task.js";

/** Stuck deliveries one step re-sends at most. */
const STUCK_PAGE = 200;

/** A replay's window without its status: a recover goes through the failed and the skipped. */
export const recoverParams = windowParams;
export type RecoverParams = z.infer<typeof recoverParams>;

/** Checks the request and starts the task: 404 without the endpoint, 409 when disabled or paused. */
export async function startRecover(
  deps: Uses<"endpointStore" | "taskStore" | "scheduler" | "now">,
  org: string,
  endpointId: string,
  since: string,
  scope: { eventTypes?: readonly string[] } = {},
) {
  // The window ends now; a `since` after it starts a task that finds nothing (recoverStep).
  return startWindowTask(deps, org, endpointId, {
    kind: "recover",
    req: { since },
    scope,
    extra: {},
    emptyWindow: "allow",
  });
}

/** The recovery index, then the parked index: the partitions phase 1 goes through. */
async function indexPartitions(
  deps: Uses<"replaySource">,
  org: string,
  endpointId: string,
  until: string,
): Promise<string[]> {
  return [
    ...(await deps.replaySource.partitions(org, endpointId, "failed", until)),
    ...(await deps.replaySource.partitions(org, endpointId, "skipped", until)),
  ];
}

async function recoverStep(deps: TaskContext, input: TaskStepInput<RecoverParams>): Promise<TaskStepResult> {
  const { org, params } = input;
  const opened = await openWindow(deps, input);
  if ("ended" in opened) return opened.ended;
  const partitions = await indexPartitions(deps, org, params.endpoint_id, params.until);
  if (input.total === null) {
    // A `since` after the start finds nothing in the indexes (and no stuck delivery either).
    if (params.since >= params.until)
      return {
        cursor: JSON.stringify({ p: partitions.length }),
        done: 0,
        failed: 0,
        total: 0,
        finished: false,
      };
    const total = await countWindow(deps, partitions, opened.window);
    return { cursor: JSON.stringify({ p: 0 }), done: 0, failed: 0, total, finished: false };
  }
  const at = input.cursor ? (JSON.parse(input.cursor) as { p: number }) : { p: 0 };
  if (at.p >= partitions.length) return stuckStep(deps, input);
  const { items, next } = await readPage(deps, partitions, opened.window, input.cursor);
  const res = await replayPage(deps, input, items, "recover");
  return {
    cursor: JSON.stringify(next),
    done: res.sent,
    failed: res.expired,
    ...(res.outOfScope > 0 ? { total: input.total - res.outOfScope } : {}),
    finished: false,
    commit: res.commit,
  };
}

/**
 * Phase 2: the stuck deliveries among the events created since `since`. A re-sent one is
 * pending from then on, so the next step finds the rest; the phase ends when a step finds none.
 */
async function stuckStep(deps: TaskContext, input: TaskStepInput<RecoverParams>): Promise<TaskStepResult> {
  const { org, taskId, run, params } = input;
  const inScope = (m: StoredMessage) => !params.event_types || params.event_types.includes(m.type);
  const found = await stuckDeliveries(deps, org, params.endpoint_id, new Date(params.since), STUCK_PAGE);
  // Each `pending` id taken before the enqueue, the entry written after it (pending.ts).
  const work = found.messages
    .filter(inScope)
    .map((m) =>
      withPending(deps, { ...taskFor(m, params.endpoint_id, "recover"), claim: { task_id: taskId, run } }),
    );
  const tasks: DeliveryTask[] = work.map((w) => w.task);
  if (tasks.length > 0) {
    await enqueueTasks(deps, tasks);
    await deps.deliveryStore.write(work.map((w) => w.pending));
  }
  return {
    cursor: input.cursor,
    done: tasks.length,
    failed: 0,
    total: (input.total ?? 0) + tasks.length,
    finished: tasks.length === 0 || !found.more,
  };
}

export const recoverTask: TaskKind<RecoverParams> = { params: recoverParams, step: recoverStep };
