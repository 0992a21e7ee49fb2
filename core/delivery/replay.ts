/**
 * Replay as a tracked task (docs/recovery.md "Replay", docs/tasks.md): `POST
 * /v1/webhook-endpoints/{id}/replay` starts a `replay` task; each step sends one page of the
 * endpoint's deliveries again, whatever their number (20,000 is a few dozen steps):
 *
 * - `failed`: failed or abandoned deliveries (the recovery index), by when they failed;
 * - `skipped`: deliveries parked while the endpoint was disabled ("what was missed");
 * - `all`: every event created in the window that was meant for the endpoint.
 *
 * `until` is fixed when the task starts (default: then), so a delivery that fails again
 * during the replay is not replayed twice by it. Each task carries a claim for its run: a
 * copy sent again after a crash is dropped by the delivery function (handler.ts `claimed`).
 * A replayed delivery is marked pending and leaves the recovery index, as a recover does.
 */
import * as z from "zod";
import type { Uses } from "../deps.js";
import { mapLimit } from "../lib/index.js";
import { type CursorKey, type DeliveryTask, type StoredMessage, taskFor } from "../model/index.js";
import { enqueueTasks } from "../queue/index.js";
import type { TaskContext, TaskKind, TaskStepInput, TaskStepResult } from "../tasks/index.js";
import { withPending } from "./pending.js";
import {
  countWindow,
  openWindow,
  type ReplayWindow,
  startWindowTask,
  type WindowRequest,
  windowParams,
} from "./window-task.js";

/** Items one step sends at most, and the queries it may make to find them. */
const PAGE = 200;
const MAX_READS = 40;

export const replayParams = windowParams.extend({ status: z.enum(["failed", "skipped", "all"]) });
export type ReplayParams = z.infer<typeof replayParams>;

export interface ReplayRequest extends WindowRequest {
  /** Default: `failed`. */
  status?: ReplayParams["status"];
}

/** Checks the request and starts the task; 409 when the endpoint is disabled, 404 when it is not there. */
export async function startReplay(
  deps: Uses<"endpointStore" | "taskStore" | "scheduler" | "now">,
  org: string,
  endpointId: string,
  req: ReplayRequest,
  scope: { eventTypes?: readonly string[] } = {},
) {
  return startWindowTask(deps, org, endpointId, {
    kind: "replay",
    req,
    scope,
    extra: { status: req.status ?? "failed" },
    emptyWindow: "refuse",
  });
}

interface Cursor {
  /** The partition (its place in `replaySource.partitions`). */
  p: number;
  start?: CursorKey;
}

export type ReplayItem = Awaited<ReturnType<TaskContext["replaySource"]["page"]>>["items"][number];

async function replayStep(deps: TaskContext, input: TaskStepInput<ReplayParams>): Promise<TaskStepResult> {
  const { org, params } = input;
  const opened = await openWindow(deps, input);
  if ("ended" in opened) return opened.ended;
  const partitions = await deps.replaySource.partitions(org, params.endpoint_id, params.status, params.until);
  if (input.total === null) {
    const total = await countWindow(deps, partitions, opened.window);
    return { cursor: JSON.stringify({ p: 0 }), done: 0, failed: 0, total, finished: total === 0 };
  }
  const { items, next } = await readPage(deps, partitions, opened.window, input.cursor);
  const res = await replayPage(deps, input, items);
  return {
    cursor: JSON.stringify(next),
    done: res.sent,
    failed: res.expired,
    // Events of other types were counted but are not replayed: the total drops by them.
    ...(res.outOfScope > 0 ? { total: input.total - res.outOfScope } : {}),
    finished: next.p >= partitions.length,
    commit: res.commit,
  };
}

/** Up to PAGE items from the cursor on, across partitions (most shards of a small replay are empty). */
export async function readPage(
  deps: TaskContext,
  partitions: string[],
  window: ReplayWindow,
  cursor: string | null,
) {
  let at: Cursor = cursor ? JSON.parse(cursor) : { p: 0 };
  const items: ReplayItem[] = [];
  // Bounded: a filtered partition (`all`) may answer pages with few matches.
  for (let reads = 0; reads < MAX_READS && at.p < partitions.length && items.length < PAGE; reads++) {
    const page = await deps.replaySource.page(partitions[at.p]!, window, at.start, PAGE - items.length);
    items.push(...page.items);
    at = page.next ? { p: at.p, start: page.next } : { p: at.p + 1 };
  }
  return { items, next: at };
}

/**
 * Sends one page of items again (a delivery task each, claimed for this run), with
 * `trigger` in the attempt log: `replay`, or `recover` for a recover task (recover-task.ts).
 */
export async function replayPage(
  deps: TaskContext,
  { org, taskId, run, params }: TaskStepInput<Pick<ReplayParams, "endpoint_id" | "event_types">>,
  items: ReplayItem[],
  trigger: "replay" | "recover" = "replay",
) {
  const messages = await mapLimit(items, 16, (i) => deps.messageStore.get(org, i.msg_id));
  const inScope = (m: StoredMessage) => !params.event_types || params.event_types.includes(m.type);
  const work = items.flatMap((item, i) => {
    const m = messages[i];
    if (!m || !inScope(m)) return [];
    const task: DeliveryTask = {
      ...taskFor(m, params.endpoint_id, trigger),
      claim: { task_id: taskId, run },
    };
    // Its `pending` id taken before the enqueue, the entry written after it (pending.ts).
    return [{ item, ...withPending(deps, task) }];
  });
  const expired = messages.filter((m) => !m).length;
  const outOfScope = items.length - expired - work.length;
  if (work.length > 0) {
    // Throws when SQS refused some: the step is repeated by a later run, and the claims drop
    // whatever of it had gone out.
    await enqueueTasks(
      deps,
      work.map((w) => w.task),
    );
    await deps.deliveryStore.write(work.map((w) => w.pending));
  }
  // Out of the recovery index once the step is saved (a repeat of the step must find them).
  const commit = async () => {
    await mapLimit(work, 16, async ({ item }) =>
      item.ref ? deps.deliveryStore.setRecoverable(org, item.ref, false) : undefined,
    );
  };
  return { sent: work.length, expired, outOfScope, commit };
}

export const replayTask: TaskKind<ReplayParams> = { params: replayParams, step: replayStep };
