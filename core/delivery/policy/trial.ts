/**
 * The trial gate (docs/delivery.md, "Unproven endpoints"; issue #25, isolation under a burst):
 * pure rules, the clock passed in. A batch of the shared lane lasts as long as its slowest
 * request, and nothing marks an endpoint slow before one of its requests has run into the
 * budget. A burst to a new endpoint that hangs (or answers just under the budget) would put
 * one of its tasks in every concurrent batch, and every poller of the shared lane would wait
 * out the budget at once. So an endpoint this process has no recent fast answer from is
 * *unproven*: in the shared lane it gets at most `trialInFlight` requests at a time (across
 * every process); its other tasks make no request and stay off the batch:
 *
 * - while this process's own trial of it is young (`trialWaitMs`), they wait here for its
 *   answer: a healthy endpoint's, milliseconds away, lets them through at once, where a trip
 *   round the queue came back before it (a receive waiting on the queue takes a re-sent task
 *   at once) and was refused again, waiting a whole second;
 * - while nothing is known, they are deferred on the lane's queue (`trialDeferSeconds`: at
 *   once the first time, then 1 s and more, as the rate limit's deferrals);
 * - when this process's last answer from it was slow, they go to the slow lane (the endpoint
 *   itself is moved only by the rules that judge more than one answer, policy/window.ts).
 */
import type { Config } from "../../config/index.js";
import type { SendOutcome } from "../../model/index.js";
import { LAST_DELIVERY_REFRESH_MS } from "./health.js";
import { deferSeconds } from "./rate-limit.js";

type Settings = Pick<Config["isolation"], "fastLaneBudgetMs" | "slowFraction" | "windowSeconds">;

/** This process's last answer from an endpoint (in the shared lane or the slow one). */
export interface LastAnswer {
  /** When it came (epoch ms). */
  atMs: number;
  /** Whether it came within `slowFraction` of the budget (a timeout never does). */
  fast: boolean;
}

/** Whether the gate applies: the shared lane with a slow lane to spare it, not the half-open probe (one request already). */
export function triesFirst(ctx: { lane: string; slowLane: boolean }, probe: boolean): boolean {
  return ctx.lane === "fast" && ctx.slowLane && !probe;
}

/** What an outcome tells of the endpoint's speed: a timeout, or an answer slower than the latency rule's bound, is slow. */
export function answerOf(
  outcome: Pick<SendOutcome, "failure" | "latencyMs">,
  atMs: number,
  s: Settings,
): LastAnswer {
  const fast =
    outcome.failure?.kind !== "timeout" && outcome.latencyMs <= s.slowFraction * s.fastLaneBudgetMs;
  return { atMs, fast };
}

/**
 * Proven: this process's last answer was fast and within the window, or (no answer seen here)
 * the endpoint's record shows a delivery within the window and the refresh of `last_delivery_at`
 * (another process's, health.ts: at most once a minute), so a burst to an endpoint that others
 * deliver to is not held until every process has seen it answer.
 */
export function proven(
  last: LastAnswer | undefined,
  lastDeliveryAt: string | null,
  nowMs: number,
  s: Settings,
): boolean {
  const windowMs = s.windowSeconds * 1000;
  if (last) return last.fast && last.atMs > nowMs - windowMs;
  return lastDeliveryAt !== null && Date.parse(lastDeliveryAt) > nowMs - windowMs - LAST_DELIVERY_REFRESH_MS;
}

/** What a task refused by the gate does: waits round the queue, or (the last answer slow) goes to the slow lane. */
export function refused(last: LastAnswer | undefined): "unproven" | "slow-answers" {
  return last && !last.fast ? "slow-answers" : "unproven";
}

/**
 * How far into this process's own trial of an endpoint (begun at `sinceMs`) a task it refused
 * waits here for the trial's answer, as a fraction of the shared lane's budget. The wait counts
 * from the trial's start, not the task's look: an endpoint that hangs holds the batches of its
 * refused tasks once, until then, not that long again per batch (the gate's isolation: issue
 * #25's held-out burst); a healthy endpoint answers well within it.
 */
export const TRIAL_WAIT_FRACTION = 0.25;

/** How long a task refused during this process's own trial (begun at `sinceMs`) waits here for its answer (ms, 0: not at all). */
export function trialWaitMs(sinceMs: number, nowMs: number, s: Pick<Settings, "fastLaneBudgetMs">): number {
  return Math.max(0, sinceMs + TRIAL_WAIT_FRACTION * s.fastLaneBudgetMs - nowMs);
}

/** How long a task the gate refused waits on the queue: at once the first time, then as a rate-limited one. */
export function trialDeferSeconds(deferrals: number, random: () => number): number {
  return deferrals === 0 ? 0 : deferSeconds(deferrals - 1, random);
}
