/**
 * What a task refused by its endpoint's `rate_limit` does (docs/delivery.md, "Rate limit"):
 * it is deferred, re-sent with DelaySeconds to a later one-second window, no request made,
 * no attempt counted. Whether a window is full is asked in core/delivery/rate-limit.ts.
 */
import type { DeliveryTask } from "../../model/index.js";
import type { DecideContext, Decision } from "./decide.js";

/** The longest spread added to a deferred task's wait (seconds), however often it was deferred. */
const MAX_SPREAD_SECONDS = 30;

/**
 * How long a deferred task waits: into the next window at least, plus a random spread that
 * doubles with each deferral (up to 30 s), so a backlog many times the limit does not come
 * back all in the same second.
 */
export function deferSeconds(deferrals: number, random: () => number): number {
  const spread = Math.min(MAX_SPREAD_SECONDS, 2 ** Math.min(deferrals, 5));
  return 1 + Math.floor(random() * spread);
}

/** The task back on its lane's queue for a later window: not an attempt, no record written. */
export function deferred(
  task: DeliveryTask,
  ctx: Pick<DecideContext, "attempt" | "lane" | "random">,
): Decision {
  const deferrals = (task.deferrals ?? 0) + 1;
  const next: DeliveryTask = { ...task, attempt_base: ctx.attempt - 1, deferrals };
  const delaySeconds = deferSeconds(deferrals - 1, ctx.random);
  return { action: { kind: "resend", lane: ctx.lane, delaySeconds, task: next, why: "rate" }, records: {} };
}
