/**
 * DLQ redrive as a tracked task (docs/recovery.md "Redrive the delivery DLQ", docs/tasks.md):
 * `POST /v1/dlq/redrive`, platform admins only, starts a `dlq_redrive` task in the platform
 * organization. Each step moves up to a page of tasks from the delivery DLQ back to the
 * delivery queue with a fresh retry cycle (core/queue `redriveDelivery`, the CLI's code),
 * optionally of one organization or endpoint, until the DLQ holds no more of them.
 *
 * Only what was in the DLQ when the task started moves (`before`): a task dead-lettered again
 * while it runs waits for the next redrive. Every moved task carries the run's claim, so a step
 * repeated after a crash (its messages back in the DLQ once their hold ends) sends copies the
 * delivery function drops: nothing is delivered twice within one task.
 */
import * as z from "zod";
import type { Uses } from "../deps.js";
import { redriveDelivery } from "../queue/index.js";
import {
  startTask,
  type TaskContext,
  type TaskKind,
  type TaskStepInput,
  type TaskStepResult,
} from "../tasks/index.js";

/** Tasks one step moves at most. */
const PAGE = 100;

export const redriveParams = z.object({
  /** The task's start: only messages dead-lettered at or before it move. */
  before: z.string(),
  org_id: z.string().optional(),
  endpoint_id: z.string().optional(),
  /** Stop after moving this many. */
  max: z.number().int().positive().optional(),
  /** Count what would move, move nothing. */
  dry_run: z.boolean(),
});
export type RedriveParams = z.infer<typeof redriveParams>;

export interface RedriveRequest {
  org_id?: string;
  endpoint_id?: string;
  max?: number;
  dry_run?: boolean;
}

/** Starts the task in the caller's (the platform's) organization; the route checks the caller. */
export function startRedrive(
  deps: Uses<"taskStore" | "scheduler" | "now">,
  org: string,
  req: RedriveRequest,
) {
  const params: RedriveParams = {
    before: deps.now().toISOString(),
    ...(req.org_id ? { org_id: req.org_id } : {}),
    ...(req.endpoint_id ? { endpoint_id: req.endpoint_id } : {}),
    ...(req.max ? { max: req.max } : {}),
    dry_run: req.dry_run ?? false,
  };
  return startTask(deps, { org, kind: "dlq_redrive", params });
}

async function redriveStep(deps: TaskContext, input: TaskStepInput<RedriveParams>): Promise<TaskStepResult> {
  const { params, taskId, run } = input;
  // The cursor is what the task has moved so far (its `max` spans the steps).
  const sofar = Number(input.cursor ?? 0);
  const room = Math.min(PAGE, (params.max ?? Number.POSITIVE_INFINITY) - sofar);
  const res = await redriveDelivery(deps.sqs, deps.config.queues, {
    max: params.dry_run ? params.max : room,
    dryRun: params.dry_run,
    before: Date.parse(params.before),
    claim: { task_id: taskId, run },
    ...(params.org_id ? { orgId: params.org_id } : {}),
    ...(params.endpoint_id ? { endpointId: params.endpoint_id } : {}),
  });
  const moved = sofar + res.moved;
  // A dry run counts in one sweep; a real one ends when a step moved less than it could.
  const finished = params.dry_run || res.moved < room || moved >= (params.max ?? Number.POSITIVE_INFINITY);
  return {
    cursor: String(moved),
    done: res.moved,
    failed: 0,
    ...(finished ? { total: moved } : {}),
    finished,
  };
}

export const redriveTask: TaskKind<RedriveParams> = { params: redriveParams, step: redriveStep };
