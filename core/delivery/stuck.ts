/**
 * Stuck deliveries: ones whose task was lost, so nothing will move them again. A crash or a
 * lost queue can leave a delivery `retrying` or `pending` with its next attempt long past
 * (even after the receiver answered 2xx, if the record of that answer was never written), or
 * leave a target of a fanned-out event with no record at all (its task never enqueued, and no
 * producer retry came). `recover` finds them here, from the organization's events since a
 * time, and re-enqueues them like failed ones (docs/recovery.md).
 */
import type { Uses } from "../deps.js";
import {
  type DeliveryRecord,
  MAX_RECOVER_SCAN,
  payloadState,
  STUCK_GRACE_MS,
  type StoredMessage,
} from "../model/index.js";

/**
 * Whether a delivery (its latest record, or none) is stuck at `nowMs`: still waiting on an
 * attempt that was due more than STUCK_GRACE_MS ago, or never recorded though its event was
 * fanned out more than STUCK_GRACE_MS ago.
 */
export function isStuck(
  record: Pick<DeliveryRecord, "status" | "next_attempt_at" | "updated_at"> | undefined,
  m: Pick<StoredMessage, "fanout_at">,
  nowMs: number,
): boolean {
  const cutoff = nowMs - STUCK_GRACE_MS;
  if (!record) return m.fanout_at !== null && Date.parse(m.fanout_at) < cutoff;
  if (record.status !== "pending" && record.status !== "retrying") return false;
  return Date.parse(record.next_attempt_at ?? record.updated_at) < cutoff;
}

/**
 * The endpoint's stuck deliveries among its events created since `since` (at most `max`, as
 * whole messages); `more` when the window held more events than one call reads.
 */
export async function stuckDeliveries(
  deps: Uses<"messageStore" | "deliveryStore" | "now">,
  org: string,
  endpointId: string,
  since: Date,
  max: number,
): Promise<{ messages: StoredMessage[]; more: boolean }> {
  if (max <= 0) return { messages: [], more: true };
  const nowMs = deps.now().getTime();
  // An event created less than the grace ago cannot have a stuck delivery yet.
  const window = { from: since, to: new Date(nowMs - STUCK_GRACE_MS), limit: MAX_RECOVER_SCAN };
  const { items, more } = await deps.messageStore.targeting(org, endpointId, window);
  const stuck: StoredMessage[] = [];
  for (let i = 0; i < items.length && stuck.length < max; i += 16) {
    const slice = items.slice(i, i + 16);
    const records = await Promise.all(slice.map((m) => deps.deliveryStore.get(org, m.id, endpointId)));
    const found = slice.filter((m, k) => isStuck(records[k], m, nowMs));
    // The scan read ids and fan-out times only: the whole message (the body) for these.
    const full = await Promise.all(found.map((m) => deps.messageStore.get(org, m.id)));
    // A payload that expired or was erased is nothing to re-send (its task ends so if it runs).
    for (const m of full) {
      if (m && payloadState(m, deps.now()) === "available" && stuck.length < max) stuck.push(m);
    }
  }
  return { messages: stuck, more: more || stuck.length >= max };
}
