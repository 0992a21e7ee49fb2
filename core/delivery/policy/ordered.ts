/**
 * What a wait becomes in the ordered lane (docs/delivery.md, "Ordered delivery"): the lane holds
 * every wait on the message itself (a retry, a park, a rate-limit deferral), never re-sends it,
 * so its FIFO group waits behind it, in order. Every retry delay of the schedule fits a
 * visibility timeout (12 h).
 */
import { SQS_MAX_VISIBILITY_SECONDS } from "../../config/index.js";
import { type DecideContext, decide } from "./decide.js";
import type { Effect } from "./effects.js";

type Wait = { kind: "resend"; delaySeconds: number } | { kind: "schedule"; at: Date } | { kind: string };

/** The seconds to hold the message instead of a re-send or a schedule; null for any other effect. */
function heldSeconds(action: Wait, now: Date): number | null {
  let seconds: number;
  if ("delaySeconds" in action && action.kind === "resend") seconds = action.delaySeconds;
  else if ("at" in action && action.kind === "schedule")
    seconds = (action.at.getTime() - now.getTime()) / 1000;
  else return null;
  return Math.min(SQS_MAX_VISIBILITY_SECONDS, Math.max(1, Math.ceil(seconds)));
}

/**
 * `decide()` in any lane (fast, slow, ordered: `ctx.lane`); in the ordered lane a re-send or a
 * schedule becomes a hold on the message itself. What the delivery handler calls.
 */
export function decideInLane(...args: Parameters<typeof decide>): Effect[] {
  const effects = decide(...args);
  const ctx: DecideContext = args[3];
  if (ctx.lane !== "ordered") return effects;
  return effects.map((e) => {
    const held = heldSeconds(e, ctx.now);
    return held === null ? e : { kind: "retry_visibility", seconds: held };
  });
}
