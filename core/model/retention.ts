/**
 * The data lifecycle of an event's payload (docs/data.md), as pure policy: how long it is
 * kept, when it expires, and whether it can still be read, sent or rebuilt.
 */
import type { StoredMessage } from "./message.js";

const DAY_S = 86_400;

/**
 * The retention of an event, in days: its type's (a custom type's `retention_days`), else its
 * organization's, else the operator's default (EVENT_RETENTION_DAYS). Settings are validated
 * within RETENTION_DAYS where they are made.
 */
export function retentionDays(p: { type?: number; org?: number; fallback: number }): number {
  return p.type ?? p.org ?? p.fallback;
}

/**
 * When the payload expires (epoch seconds): the retention counted from when the event is
 * delivered (its `deliver_at` when later than its creation), so a scheduled event is kept as
 * long after its fan-out as any other.
 */
export function payloadExpiry(m: Pick<StoredMessage, "created_at" | "deliver_at">, days: number): number {
  const from = Math.max(Date.parse(m.created_at), m.deliver_at ? Date.parse(m.deliver_at) : 0);
  return Math.floor(from / 1000) + Math.ceil(days * DAY_S);
}

/**
 * What is left of a payload: `available`, or gone because its retention ran out (`expired`:
 * DynamoDB TTL deletes lazily, so an item past its `expires_at` may still be read, and is
 * treated as gone) or because it was erased. A delivery, retry or replay of a payload that is
 * not available ends in that state, without a request. One rule for the stored event and for
 * a delivery task, which carries its event's `expires_at` (and no `erased_at`: an erasure is
 * only seen by reading the event, core/delivery/pointer.ts).
 */
export type PayloadState = "available" | "expired" | "erased";

export function payloadState(m: Pick<StoredMessage, "expires_at" | "erased_at">, now: Date): PayloadState {
  if (m.erased_at !== undefined) return "erased";
  if (m.expires_at !== undefined && m.expires_at * 1000 <= now.getTime()) return "expired";
  return "available";
}
