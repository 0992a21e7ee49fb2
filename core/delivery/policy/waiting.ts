/**
 * Retries waiting longer than SQS holds a message (docs/delivery.md, "Retry schedule"): they
 * wait in the table, indexed by endpoint and due time (core/store/waiting.ts), and ONE
 * scheduler entry per endpoint and due minute resumes them all (core/delivery/waiting.ts),
 * instead of a CreateSchedule per retry. Pure.
 */
import * as z from "zod";
import { SQS_MAX_DELAY_SECONDS } from "../../config/index.js";
import { type ScheduleEntry, scheduleName } from "../../model/index.js";

/** The maintenance event of a waiting run (one of core/delivery/maintenance-event.ts). */
export const waitingEvent = z.object({
  kind: z.literal("endpoint.waiting"),
  org_id: z.string(),
  endpoint_id: z.string(),
});

const MINUTE_MS = 60_000;

/** The entry of a run for the endpoint at `at`, named `key`: its event names the endpoint, nothing else. */
function runEntry(org: string, endpointId: string, key: string, at: Date): ScheduleEntry {
  const event: z.infer<typeof waitingEvent> = {
    kind: "endpoint.waiting",
    org_id: org,
    endpoint_id: endpointId,
  };
  return {
    name: scheduleName("wait", endpointId, key),
    at,
    target: "maintenance",
    body: JSON.stringify(event),
  };
}

/**
 * The run that resumes an endpoint's waiters due at `at`: at the start of that minute (EventBridge
 * Scheduler's `at()` has minute precision), named by the endpoint and the minute, so every waiter
 * of the minute, in any process, asks for the same entry, and a create retried after a timeout
 * is the same one. The run sends each waiter with the delay left until it is due
 * (`waiterDelaySeconds`), so the minute costs no lateness and the waiters arrive spread as they
 * fell due, not all at once.
 */
export function waitingRun(org: string, endpointId: string, at: Date): ScheduleEntry {
  const minute = Math.floor(at.getTime() / MINUTE_MS) * MINUTE_MS;
  return runEntry(org, endpointId, String(minute), new Date(minute));
}

/** How far ahead a run reads its endpoint's waiters: its minute (and whatever is overdue). */
export function waitingHorizon(now: Date): Date {
  return new Date(now.getTime() + MINUTE_MS);
}

/**
 * How long a run's claim on a waiter holds (core/store/waiting.ts `claimWaiter`): SQS's longest
 * delay, the most a run's send of it waits before it is due on the queue. A waiter sent whose
 * removal from the index failed is skipped by every run until then, when its copy is due (and,
 * once that copy made its attempt, a later one is acknowledged without a request:
 * policy/delivered.ts `movedPast`); one claimed and neither sent nor released (its run died)
 * waits that long more, for the endpoint's next run.
 */
export const WAITER_LEASE_MS = SQS_MAX_DELAY_SECONDS * 1000;

/**
 * The SQS delay a waiter due at `due` is sent with: what is left until it is due, or the resume
 * pace's page delay when that is longer (policy/resume-pace.ts), within SQS's 15 min.
 */
export function waiterDelaySeconds(due: string, now: Date, pageDelaySeconds: number): number {
  const left = Math.ceil((Date.parse(due) - now.getTime()) / 1000);
  return Math.min(SQS_MAX_DELAY_SECONDS, Math.max(0, left, pageDelaySeconds));
}

/** The run that goes on with what one run left (more due than its pace let it resume), `afterSeconds` from `now`. */
export function waitingRunAfter(
  org: string,
  endpointId: string,
  now: Date,
  afterSeconds: number,
): ScheduleEntry {
  const at = now.getTime() + afterSeconds * 1000;
  return runEntry(org, endpointId, `more${at}`, new Date(at));
}
