/**
 * Retries waiting longer than SQS holds a message (docs/delivery.md, "Retry schedule"): they
 * wait in the table, indexed by endpoint and due time (core/store/waiting.ts), and ONE
 * scheduler entry per endpoint and due minute resumes them all (core/delivery/waiting.ts),
 * instead of a CreateSchedule per retry. Pure.
 */
import * as z from "zod";
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
 * The run that resumes an endpoint's waiters due at `at`: at the next whole minute (EventBridge
 * Scheduler's `at()` precision, so a waiter is resumed at most a minute after it is due, never
 * before), named by the endpoint and that minute, so every waiter of the minute, in any
 * process, asks for the same entry, and a create retried after a timeout is the same one.
 */
export function waitingRun(org: string, endpointId: string, at: Date): ScheduleEntry {
  const minute = Math.ceil(at.getTime() / MINUTE_MS) * MINUTE_MS;
  return runEntry(org, endpointId, String(minute), new Date(minute));
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
