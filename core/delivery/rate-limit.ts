/**
 * Per-endpoint `rate_limit` (deliveries per second), honoured across every delivery
 * process (docs/delivery.md, "Rate limit").
 *
 * A task about to be sent takes a slot of the endpoint's current one-second window in
 * DynamoDB (core/store/rate-limit.ts); when the window is full the task is *deferred*: re-sent
 * with DelaySeconds to a later window, no request made, no attempt counted. A process that
 * saw a window full defers the rest of that second without asking again, so a backlog costs
 * one refused write per process and second, not one per task.
 */
import type { Uses } from "../deps.js";
import type { DeliveryTask, EndpointRecord } from "../model/index.js";
import type { DecideContext, Decision } from "./policy/decide.js";

/** The longest spread added to a deferred task's wait (seconds), however often it was deferred. */
const MAX_SPREAD_SECONDS = 30;

/**
 * Whether the endpoint may receive one more delivery now (always, without a `rate_limit`).
 * The windows this process saw full (endpoint key -> epoch second) are the root's
 * `fullRateWindows`.
 */
export async function admit(
  deps: Uses<"rateLimitStore" | "fullRateWindows">,
  endpoint: EndpointRecord,
  now: Date,
): Promise<boolean> {
  const limit = endpoint.rate_limit;
  if (!limit) return true;
  const second = Math.floor(now.getTime() / 1000);
  const key = `${endpoint.org_id}/${endpoint.id}`;
  const seen = deps.fullRateWindows;
  if (seen.get(key) === second) return false;
  const ok = await deps.rateLimitStore.takeSlot({
    org: endpoint.org_id,
    endpointId: endpoint.id,
    second,
    limit,
  });
  if (ok) return true;
  seen.set(key, second);
  return false;
}

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
