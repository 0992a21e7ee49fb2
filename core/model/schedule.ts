/**
 * One-time schedules for what SQS cannot hold: retries longer than a visibility timeout,
 * producer-requested `deliver_at`, and the timer that auto-disables a failing endpoint.
 *
 * On AWS this is EventBridge Scheduler (core/scheduler/eventbridge.ts); locally due entries
 * are stored in DynamoDB and polled (core/store/schedules.ts). Either way, when an entry is due its `body` is sent to
 * the target queue (the consumer is the same code path as for any other message), or, for
 * `maintenance`, passed as the event to the scheduled-work function.
 */
/** Queues receive `body` as a message; `maintenance` invokes functions/scheduled.ts with it. */
export type ScheduleTarget = "ingest" | "delivery" | "maintenance";

export interface ScheduleEntry {
  /** Unique per purpose (1-64 chars of [0-9a-zA-Z-_.]); scheduling the same name twice keeps one. */
  name: string;
  at: Date;
  target: ScheduleTarget;
  /** The SQS message body (or the maintenance function's JSON event). */
  body: string;
}

export interface Scheduler {
  schedule(entry: ScheduleEntry): Promise<void>;
  /** Removes a pending entry; a no-op when it has fired or never existed. */
  cancel(name: string): Promise<void>;
}

/** Keeps a schedule name within EventBridge's rules: [0-9a-zA-Z-_.], at most 64 chars. */
export function scheduleName(...parts: string[]): string {
  return parts
    .join("-")
    .replace(/[^0-9a-zA-Z\-_.]/g, "_")
    .slice(0, 64);
}
