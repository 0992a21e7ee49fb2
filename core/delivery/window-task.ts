/**
 * What a replay (replay.ts) and a recover (recover-task.ts) share: both are a task over a
 * time window of one endpoint's deliveries, optionally of some event types. A recover is a
 * replay of the failed and skipped deliveries plus the stuck ones, so both are started by one
 * function (the request checked, the endpoint required enabled, the window fixed) and each
 * step opens the window the same way (the endpoint still there and enabled, its partitions
 * counted once).
 */
import * as z from "zod";
import type { Uses } from "../deps.js";
import { requireEndpoint } from "../endpoints/index.js";
import { mapLimit } from "../lib/index.js";
import { validationError } from "../model/index.js";
import { startTask, type TaskStepInput, type TaskStepResult } from "../tasks/index.js";
import { requireEnabled } from "./recovery.js";

export const windowParams = z.object({
  endpoint_id: z.string(),
  since: z.string(),
  /** Fixed when the task starts, so a delivery that fails again meanwhile is not sent twice by it. */
  until: z.string(),
  /** Only events of these types (exact names); absent = every type. */
  event_types: z.array(z.string()).optional(),
});
export type WindowParams = z.infer<typeof windowParams>;

export interface WindowRequest {
  since: string;
  /** Default: when the task starts. */
  until?: string;
  event_types?: string[];
}

export interface WindowStart<K extends string, Extra> {
  kind: K;
  req: WindowRequest;
  /** A type-scoped portal session's types: the task replays these only. */
  scope?: { eventTypes?: readonly string[] };
  /** The kind's own params (a replay's `status`). */
  extra: Extra;
  /**
   * A `since` at or after `until`: refused (400) by a replay, whose window the caller sets;
   * a recover's ends now, and one with a later `since` starts and finds nothing.
   */
  emptyWindow: "refuse" | "allow";
}

/** Checks the request and starts the task: 400 on a bad window, 404 without the endpoint, 409 when disabled or paused. */
export async function startWindowTask<K extends string, Extra extends object>(
  deps: Uses<"endpointStore" | "taskStore" | "scheduler" | "now">,
  org: string,
  endpointId: string,
  { kind, req, scope = {}, extra, emptyWindow }: WindowStart<K, Extra>,
) {
  const sinceMs = Date.parse(req.since);
  if (Number.isNaN(sinceMs)) throw validationError("since must be an ISO 8601 date-time");
  requireEnabled(await requireEndpoint(deps, org, endpointId));
  const until = req.until ?? deps.now().toISOString();
  if (emptyWindow === "refuse" && sinceMs >= Date.parse(until))
    throw validationError("since must be before until");
  const scoped = scope.eventTypes;
  const types = scoped ? (req.event_types ?? scoped).filter((t) => scoped.includes(t)) : req.event_types;
  const params: WindowParams & Extra = {
    endpoint_id: endpointId,
    since: new Date(sinceMs).toISOString(),
    until: new Date(until).toISOString(),
    ...extra,
    ...(types ? { event_types: [...types] } : {}),
  };
  return startTask(deps, { org, kind, params });
}

export type ReplayWindow = Parameters<Uses<"replaySource">["replaySource"]["page"]>[1];

/**
 * A step's start: the window, or the task's end when the endpoint was deleted or disabled
 * since it started.
 */
export async function openWindow(
  deps: Uses<"endpointStore">,
  input: TaskStepInput<WindowParams>,
): Promise<{ window: ReplayWindow } | { ended: TaskStepResult }> {
  const { org, params } = input;
  const endpoint = await deps.endpointStore.get(org, params.endpoint_id);
  if (!endpoint) return { ended: end(input, "the endpoint was deleted") };
  if (endpoint.status === "disabled") return { ended: end(input, "the endpoint was disabled") };
  return { window: { endpointId: params.endpoint_id, since: params.since, until: params.until } };
}

/** How many items the partitions hold in the window: the task's total, counted on its first step. */
export async function countWindow(
  deps: Uses<"replaySource">,
  partitions: readonly string[],
  window: ReplayWindow,
): Promise<number> {
  const counts = await mapLimit(partitions, 8, (p) => deps.replaySource.count(p, window));
  return counts.reduce((a, b) => a + b, 0);
}

export function end(input: TaskStepInput<unknown>, reason: string): TaskStepResult {
  return { cursor: input.cursor, done: 0, failed: 0, finished: true, fatal: reason };
}
