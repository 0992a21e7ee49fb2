/**
 * What the delivery policy decides, as a list of effects (pure: no I/O, no clock): `decide`
 * (decide.ts, its table in test/delivery/decide.unit.test.ts) returns them, and the one
 * executor (core/delivery/execute.ts, with execute-now.ts for what cannot wait for the batch)
 * carries them out in this order, so no module below the policy chooses anything.
 *
 * Before a request: the retention guard's resume (a park that would not come back is none),
 * the gates a send must pass (a slot of the endpoint's rate window, the
 * half-open probe's claim), then the send. After it, or instead of it: the delivery record
 * (with the attempt's log item), what the endpoint's health sees, a change of the endpoint
 * (to the slow lane, disabled), and exactly one queue effect (ack, a short wait on the
 * message's visibility, a re-send, a schedule, the DLQ).
 */
import type { QueuedTask } from "../../model/index.js";
import type { DeliveryUpdate } from "../records.js";
import type { Disable } from "./stop.js";

export type Lane = "fast" | "slow" | "ordered";

/**
 * The task as decided on: its body may not be read back yet (a pointer, pointer.ts), since
 * no decision but a request needs it; the handler reads it only for a request it makes.
 */
export type Task = Omit<QueuedTask, "log">;

/** Acknowledged, and `task` sent to a lane's queue after `delaySeconds` (<= 15 min). */
export interface Resend {
  kind: "resend";
  lane: Lane;
  delaySeconds: number;
  task: Task;
  why: "retry" | "park" | "slow" | "rate" | "wait" | "unproven" | "slow-cap";
  /**
   * Re-sent by the record at once, not with its batch (execute.ts `resendNow`): a task the
   * trial gate turned away (trial.ts), whose batch may be held by the very request it was
   * turned away for.
   */
  immediate?: true;
}

/** What happens to the task's message: one per task. */
export type QueueEffect =
  | { kind: "ack" }
  /** Back on this message after `seconds` (partial batch failure + visibility timeout). */
  | { kind: "retry_visibility"; seconds: number }
  | Resend
  /** Acknowledged, and `task` re-sent by the scheduler at `at`; when it cannot take it, `orWait`. */
  | { kind: "schedule"; at: Date; task: Task; orWait: Resend }
  | { kind: "dead_letter"; reason: string; attempts: number };

export type Effect =
  /** Take a slot of the endpoint's rate window before sending (core/delivery/rate-limit.ts). */
  | { kind: "rate_limit_write" }
  /** Claim the half-open breaker's one probe before sending (it re-arms the breaker). */
  | { kind: "claim_probe" }
  /**
   * Before the retention guard parks the task (policy/queue-age.ts): schedule its endpoint's
   * resume; refused, the task is decided again without its age (tried as usual).
   */
  | { kind: "resume_aged" }
  /** Make the request, waiting at most `timeoutMs`. */
  | { kind: "send"; timeoutMs: number }
  /**
   * The delivery's new state; `attempt`: with the log item of the attempt that led to it.
   * `orResend`: written once, a throttled write not retried; refused, the task is re-sent so
   * instead of acknowledged (a park: core/delivery/park-writes.ts).
   */
  | { kind: "record_delivery"; update: DeliveryUpdate; attempt?: true; orResend?: Resend }
  /** What the endpoint's health sees of the attempt (core/delivery/health.ts). */
  | { kind: "record_health"; ok: boolean }
  /** Move the endpoint to the slow lane now (its other tasks must see it at once). */
  | { kind: "move_slow_lane"; why: string }
  /** Disable the endpoint (410 Gone, its AWS target deleted). */
  | ({ kind: "disable" } & Disable)
  | QueueEffect;

/** Why an attempt cut at the shared lane's budget moves its endpoint. */
export const CUT_BY_BUDGET = "an attempt ran into the shared lane's budget";

/** The effect of this kind in the list, if any. */
export function effectOf<K extends Effect["kind"]>(
  effects: readonly Effect[] | undefined,
  kind: K,
): Extract<Effect, { kind: K }> | undefined {
  return effects?.find((e): e is Extract<Effect, { kind: K }> => e.kind === kind);
}

const QUEUE_KINDS = new Set<Effect["kind"]>(["ack", "retry_visibility", "resend", "schedule", "dead_letter"]);

/** The one queue effect of a decided task. */
export function queueEffect(effects: readonly Effect[] | undefined): QueueEffect | undefined {
  return effects?.find((e): e is QueueEffect => QUEUE_KINDS.has(e.kind));
}
