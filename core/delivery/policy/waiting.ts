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
 * What a run's claim on a waiter (core/store/waiting.ts `claimWaiter`) covers beyond the delay
 * its copy is sent with: the claim keeps every other run from sending a second copy until the
 * first made its attempt (then the waiter is stale, and a later copy is acknowledged without a
 * request: policy/delivered.ts `movedPast`). That takes the run's own time to the send (the
 * scheduled function's timeout, 60 s), the copy's delay, then its receipt (the lanes keep no
 * backlog at the sizing target: docs/scale.md `steady-10k`) and attempt (the delivery
 * function's timeout, 130 s): 5 min holds them with room. Not covered, and not
 * needed: a delivery invocation that dies mid-attempt, whose copy comes back after the
 * queue's 15 min visibility timeout; a second copy sent meanwhile makes its attempt first, and
 * the first is then acknowledged without a request.
 */
export const WAITER_LEASE_MARGIN_MS = 5 * MINUTE_MS;

/**
 * How long a run's claim on a waiter sent with `delaySeconds` holds: that delay and the margin
 * above. Sized per waiter, not for SQS's longest delay: a waiter due now (most: its run comes
 * at its minute) claimed by a run that then died (nothing sent, nothing released) is due
 * again after ~5 min instead of 15, while a copy sent 15 min ahead keeps its margin too (a
 * fixed 15 min lease ended as that copy fell due). Pure.
 */
export function waiterLeaseMs(delaySeconds: number): number {
  return delaySeconds * 1000 + WAITER_LEASE_MARGIN_MS;
}

/**
 * The run that takes up a waiter whose claim ends at `claimedUntil` (one this run met and left:
 * another run's, maybe a run that died, or its own, not released): at the start of the minute
 * after, named by that minute as the endpoint's regular runs are, so every run that meets the
 * claim asks for the same entry. Without it a waiter claimed by a run that died waited for the
 * endpoint's next waiter, or a `recover`.
 */
export function waitingRunAfterClaim(org: string, endpointId: string, claimedUntil: string): ScheduleEntry {
  return waitingRun(org, endpointId, new Date(Date.parse(claimedUntil) + MINUTE_MS));
}

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
