/**
 * The parks of one batch (policy/decide.ts `park`: a breaker open beyond what a re-send can
 * wait), written once, not held in flight while DynamoDB refuses them.
 *
 * Why: the tasks re-sent while a dead endpoint's breaker was young come back together, and
 * once its cooldown passes SQS's 15 min delay they are all parked in the table at once, on
 * the endpoint's few log shards (docs/scale.md, dead-endpoint-3d). A refused write retried
 * with backoff (the SDK's, core/store/batch-write.ts's) kept its batch's messages in flight
 * for seconds, and at that wave's rate the in-flight messages neared SQS's cap (~120,000,
 * which stops every tenant's receives). So a park is written once (`writeEach` `once`); a
 * refused one is not acknowledged but its task re-sent delayed (its record's `orResend`):
 * on the queue, out of flight, and parked when it comes back, or sent if the breaker has
 * half-opened by then. Nothing is written twice and its one message is never duplicated: the
 * message is acknowledged only once the re-send is on the queue (execute.ts).
 */
import type { DeliveryLogEntry } from "../model/index.js";
import type { DeliveryContext as Ctx } from "./context.js";
import { type Effect, effectOf, type Resend } from "./policy/effects.js";

/** What this reads of a batch's record (execute.ts `Processed`). */
interface Decided {
  written?: boolean;
  log?: DeliveryLogEntry;
  effects?: Effect[];
}

/** The park of a record: its entry is written here, not with the batch's others. */
export function parkOf(p: Decided): Resend | undefined {
  return p.written || p.log ? undefined : effectOf(p.effects, "record_delivery")?.orResend;
}

/**
 * Writes the batch's parks (`entryOf` builds each entry); a refused one becomes its re-send.
 * Returns the batch with those records' queue effect replaced.
 */
export async function writeParks<P extends Decided>(
  deps: Pick<Ctx, "deliveryStore">,
  processed: P[],
  entryOf: (p: P) => DeliveryLogEntry | undefined,
): Promise<P[]> {
  const parks = processed.flatMap((p) => {
    const entry = parkOf(p) && entryOf(p);
    return entry ? [{ p, entry }] : [];
  });
  if (parks.length === 0) return processed;
  // writeEach never throws: whatever failed (a throttle, a 5xx, the shard plans' read) is returned.
  const refused = await deps.deliveryStore.writeEach(
    parks.map((w) => w.entry),
    { once: true },
  );
  if (refused.length === 0) return processed;
  const ids = new Set(refused.map((e) => e.id));
  const again = new Set(parks.filter((w) => ids.has(w.entry.id)).map((w) => w.p));
  return processed.map((p) =>
    again.has(p) ? { ...p, effects: [...(p.effects ?? []).filter((e) => e.kind !== "ack"), parkOf(p)!] } : p,
  );
}
