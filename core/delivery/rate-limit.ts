/**
 * Per-endpoint `rate_limit` (deliveries per second), honoured across every delivery
 * process and as the receiver sees it (docs/delivery.md, "Rate limit"): whether a task may be
 * sent now. What a refused task does (deferred) is policy: policy/rate-limit.ts.
 *
 * An endpoint has `rate_limit` slots in DynamoDB (core/store/rate-limit.ts). A task about to
 * be sent leases a free slot; when its request has completed (whatever the outcome) the slot
 * is free again one second later. Two requests on one slot therefore reach the receiver at
 * least a second apart (the first arrived before it completed, the second left after that
 * plus a second), so no rolling second, at any boundary, holds more than `rate_limit`
 * arrivals. A slot whose process died stays leased until the request's timeout has passed
 * (plus a margin), so even then no request can still be on its way. When no slot is free the
 * task is *deferred*: re-sent with DelaySeconds, no request made, no attempt counted. A
 * process that found every slot it read busy defers without asking again until the earliest
 * of them frees, so a backlog costs about one read per process and slot-time, not one per task.
 */
import type { Uses } from "../deps.js";
import { logger } from "../log/index.js";
import type { EndpointRecord } from "../model/index.js";

/** A slot's lease outlasts its request's timeout by this much (a crashed sender's request is over by then). */
const LEASE_MARGIN_MS = 5_000;
/** A slot is free this long after its request completed: the rolling second. */
const WINDOW_MS = 1_000;

/** A delivery's place under the limit: to be released once its request is over. */
export interface Admission {
  /** Frees the slot a second after `done` (the request completed) or at once when none was sent. */
  release(done: Date, sent: boolean): Promise<void>;
}

/** A place that holds nothing: no limit, or a gate passed without a slot. */
export const noAdmission: Admission = { release: async () => {} };

/**
 * A slot for one more delivery to the endpoint now (always, without a `rate_limit`), or
 * null: defer. The root's `fullRateWindows` memo holds, per endpoint, when this process may
 * next find a slot free.
 */
export async function admit(
  deps: Uses<"rateLimitStore" | "fullRateWindows">,
  endpoint: EndpointRecord,
  now: Date,
  random: () => number = Math.random,
): Promise<Admission | null> {
  const limit = endpoint.rate_limit;
  if (!limit) return noAdmission;
  const key = `${endpoint.org_id}/${endpoint.id}`;
  const at = now.getTime();
  if ((deps.fullRateWindows.get(key) ?? 0) > at) return null;
  const ids = { org: endpoint.org_id, endpointId: endpoint.id };
  const taken = await deps.rateLimitStore.take({
    ...ids,
    limit,
    now: at,
    until: at + endpoint.timeout_ms + LEASE_MARGIN_MS,
    random,
  });
  if ("freeAt" in taken) {
    deps.fullRateWindows.set(key, taken.freeAt);
    return null;
  }
  deps.fullRateWindows.delete(key);
  return {
    // A release that fails leaves the slot leased until its lease ends: safe, only slower.
    release: (done, sent) =>
      deps.rateLimitStore
        .release({ ...ids, taken, freeAt: sent ? done.getTime() + WINDOW_MS : done.getTime() })
        .catch((err: unknown) => logger.warn("rate-limit slot not released", { ...ids, error: String(err) })),
  };
}
