/**
 * Delivery state per (message, endpoint) and the attempt log. Written by the delivery
 * engine (and by ingest for skipped endpoints); read by the events and attempts routes,
 * whose views (core/api/schemas) are derived from these schemas.
 */
import * as z from "zod";
import type { CursorKey } from "./cursor.js";

export const deliveryStatus = z.enum([
  "pending", // task enqueued, no attempt yet
  "retrying", // at least one failed attempt, another is scheduled
  "succeeded",
  "failed", // retries exhausted; the task is in the delivery DLQ
  "skipped", // parked: endpoint disabled (at fan-out or while retrying); resumes on re-enable
  "abandoned", // endpoint deleted while retrying
  "expired", // the event's payload passed its retention before this delivery could be made
  "erased", // the event's payload was erased (by subject or by event) before it could be sent
]);
export type DeliveryStatus = z.infer<typeof deliveryStatus>;

export const deliveryRecord = z.object({
  org_id: z.string(),
  msg_id: z.string(),
  endpoint_id: z.string(),
  event_type: z.string(),
  status: deliveryStatus,
  attempts: z.number().int(),
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
  next_attempt_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type DeliveryRecord = z.infer<typeof deliveryRecord>;

/**
 * An event's state at one endpoint, as `GET /v1/events/{id}` shows it: the delivery record's
 * state, or `pending` with no record yet (`updated_at` null) while the task waits for its
 * first attempt.
 */
export const endpointDelivery = deliveryRecord
  .pick({
    endpoint_id: true,
    status: true,
    attempts: true,
    last_status_code: true,
    last_error: true,
    next_attempt_at: true,
  })
  .extend({ updated_at: z.string().nullable() });
export type EndpointDelivery = z.infer<typeof endpointDelivery>;

/**
 * One attempt as the attempt log stores it (a TypeScript interface: reads are checked field by
 * field in core/store/fields.ts, and the API view is declared in core/api/schemas).
 */
export interface AttemptRecord {
  id: string;
  org_id: string;
  msg_id: string;
  endpoint_id: string;
  event_type: string;
  attempt: number;
  /** Time the request started (ISO). */
  timestamp: string;
  success: boolean;
  status_code: number | null;
  latency_ms: number;
  /** At most 4 KiB of the response body, for debugging. */
  response_body: string | null;
  error: string | null;
  trigger: string;
}

/**
 * One entry of the delivery log: a delivery's new state, with the attempt that led to it if
 * one was made (the store keeps both in one item). `id` orders the entry among the delivery's
 * others: the attempt's id, else a new time-ordered one taken when the state was decided.
 */
export interface DeliveryLogEntry {
  id: string;
  delivery: DeliveryRecord;
  attempt?: AttemptRecord;
  /**
   * A retry waiting in the table until `next_attempt_at` (beyond what SQS holds): the item is
   * indexed by its endpoint and due time, where its due minute's run finds it (core/delivery/waiting.ts).
   */
  waits?: true;
}

/**
 * A delivery's state (its latest log entry) and that entry's place among the delivery's
 * entries: `entry` is the time-ordered part of its id (the ULID the item's sort key ends in,
 * `entryOrder`), so entries compare as strings in the order they were decided.
 */
export interface LatestDelivery {
  record: DeliveryRecord;
  entry: string;
}

/** The time-ordered part of a log entry's id (`att_{ulid}` → `{ulid}`), as its item's sort key keeps it. */
export const entryOrder = (id: string): string => id.slice(id.indexOf("_") + 1);

/** A recoverable (failed, abandoned) or parked delivery as the recovery index knows it. */
export interface RecoverableRef {
  msg_id: string;
  endpoint_id: string;
  /** When the delivery failed (or was parked): its place in the index, which `since` bounds. */
  at: string;
  /** The store's key of the item, to take it out of the index (or put it back). */
  key: { pk: string; sk: string };
}

/** A retry waiting in the table (DeliveryLogEntry `waits`), as its due minute's run resumes it. */
export interface Waiter {
  /** Attempts made: the resumed task's `attempt_base`. */
  attempts: number;
  /** The last attempt's trigger (the task's). */
  trigger: string;
  event_type: string;
  created_at: string;
  /** Until when a run holds it (core/store/waiting.ts `claimWaiter`), if one claimed it. */
  claimed_until?: string;
}

/** A page of the attempt log; `last` is where the next page starts. */
export interface AttemptPage {
  attempts: AttemptRecord[];
  last: CursorKey | undefined;
}

export interface AttemptQuery {
  limit: number;
  cursor?: CursorKey;
  /** Only successful (true) or failed (false) attempts. */
  success?: boolean;
  /** Only attempts of events of these types (a type-scoped portal session's view); all when absent. */
  eventTypes?: readonly string[];
}
