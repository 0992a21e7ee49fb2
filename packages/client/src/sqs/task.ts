/**
 * The delivery task: the body of a message on the delivery queue (and its DLQ). Declared here,
 * in the client package, because `hookrelay dlq redrive` reads and rewrites it; the server's
 * model re-exports it (core/model/client.ts), so both read one schema.
 */
import * as z from "zod";

export const deliveryTask = z.object({
  v: z.literal(1),
  org_id: z.string(),
  msg_id: z.string(),
  endpoint_id: z.string(),
  event_type: z.string(),
  /** The message's creation time (ISO); `webhook-timestamp` is the time of each attempt. */
  created_at: z.string(),
  /**
   * The exact JSON body to POST, carried in the task so a delivery needs no read. Data is
   * capped at 256 KiB and SQS messages may be 1 MiB, so even a fully escaped body fits.
   */
  body: z.string(),
  /** Attempts made before this SQS message existed (scheduler hand-over, resend); adds to ApproximateReceiveCount. */
  attempt_base: z.number().int().nonnegative().default(0),
  /** Times the endpoint's `rate_limit` sent this task back (not attempts): spreads its next wait. */
  deferrals: z.number().int().nonnegative().optional(),
  /**
   * When the event's payload expires (epoch seconds, its retention): a task received later
   * ends `expired` without a request. Absent on tasks written before retention was per event.
   */
  expires_at: z.number().int().optional(),
  /**
   * The event has a data subject, so it may be erased while this task waits: the delivery
   * reads the stored event before sending and ends `erased` if it was.
   */
  erasable: z.boolean().optional(),
  /** Why this task exists beyond the first fan-out: a manual resend, a bulk recovery, a replay task. */
  trigger: z.enum(["event", "resend", "recover", "test", "replay"]).default("event"),
  /**
   * Sent by a run of a tracked task (a replay): the delivery claims its item for that run
   * before sending, so a copy sent again by a resumed run is dropped (docs/tasks.md).
   */
  claim: z.object({ task_id: z.string(), run: z.number().int().positive() }).optional(),
  /**
   * Re-enqueued by a resend, a recover or a resume: the id of the `pending` log entry that run
   * wrote for it. On its first receive the delivery function acknowledges the task without a
   * request when the delivery has moved past that entry (a newer run re-enqueued it, or another
   * copy made the attempt): two runs racing send once (core/delivery/policy/delivered.ts).
   */
  pending_entry: z.string().optional(),
  /**
   * The event's W3C trace context (`00-{trace-id}-{parent-id}-{flags}`, kept with the event at
   * publish): each attempt is a new span of this trace. Absent on tasks written before tracing.
   */
  traceparent: z
    .string()
    .regex(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/)
    .optional(),
});
