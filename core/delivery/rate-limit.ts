/**
 * Per-endpoint `rate_limit` (deliveries per second), honoured across every delivery
 * process (docs/delivery.md, "Rate limit"): whether a task may be sent now. What a refused
 * task does (deferred) is policy: policy/rate-limit.ts.
 *
 * A task about to be sent takes a slot of the endpoint's current one-second window in
 * DynamoDB (core/store/rate-limit.ts); when the window is full the task is *deferred*: re-sent
 * with DelaySeconds to a later window, no request made, no attempt counted. A process that
 * saw a window full defers the rest of that second without asking again, so a backlog costs
 * one refused write per process and second, not one per task.
 */
import type { Uses } from "../deps.js";
import type { EndpointRecord } from "../model/index.js";

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
