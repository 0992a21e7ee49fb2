/**
 * The retention guard (docs/delivery.md, "Nothing is lost to SQS retention"): SQS deletes a
 * message unseen once it is older than the queue's retention (14 days at most), so a lane that
 * stays behind for days would lose tasks silently. A task received after it has been on the
 * queue for `parkAfterQueuedSeconds` (half the retention by default) is not tried: it is parked
 * in the table (a `skipped` record in the endpoint's parked index, one write and no request, so
 * a lane that is behind catches up fast) and a resume re-enqueues it as a fresh message, its
 * retention counted anew. Pure: the caller passes the message's SentTimestamp (`queuedAt`).
 */
import type { Config } from "../../config/index.js";
import type { Effect, Lane } from "./effects.js";

/** Why a delivery is parked by the retention guard. */
export const QUEUED_TOO_LONG = "waited on the queue too long; parked and sent again as a fresh message";

/**
 * The effects for a task that has waited on its queue since `queuedAt` longer than the guard
 * allows: its endpoint's resume scheduled first (the executor, execute-now.ts: what is parked
 * always comes back), then the task parked and acknowledged, as a breaker parks. Undefined when
 * it has not waited so long (or in the ordered lane, whose order a park would break).
 */
export function parkIfQueuedTooLong(ctx: {
  now: Date;
  lane: Lane;
  attempt: number;
  queuedAt?: Date;
  config: { isolation: Pick<Config["isolation"], "parkAfterQueuedSeconds"> };
}): Effect[] | undefined {
  if (!ctx.queuedAt || ctx.lane === "ordered") return undefined;
  const queuedMs = ctx.now.getTime() - ctx.queuedAt.getTime();
  if (queuedMs <= ctx.config.isolation.parkAfterQueuedSeconds * 1000) return undefined;
  const update = {
    status: "skipped" as const,
    attempts: ctx.attempt - 1,
    lastStatusCode: null,
    lastError: QUEUED_TOO_LONG,
    nextAttemptAt: null,
  };
  return [{ kind: "resume_aged" }, { kind: "record_delivery", update }, { kind: "ack" }];
}
