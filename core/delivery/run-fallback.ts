/**
 * A scheduled endpoint run that fails does not strand its work (issue #25, dead-endpoint-3d
 * after recovery): the resume run of the endpoint's parked deliveries (resume-run.ts) and the
 * run of its waiting retries (waiting.ts). The scheduled function is invoked asynchronously: a
 * run that throws (a write throttled past the SDK's retries, SQS refusing a page) is retried
 * twice by Lambda and then only reaches the scheduler's DLQ (the on-failure destination,
 * infra/functions.ts), which nothing redrives. Then nothing else comes for that work: once the
 * breaker has closed no new task parks and no wake-up is due, and an endpoint that gets no
 * later waiter gets no later waiting run. So the run's failure schedules the next run of its
 * kind instead of failing the invocation; what the run re-enqueued before it failed is out of
 * its index, the rest is still there for the next run (each reads everything due by then).
 * Only when that schedule is refused too does the invocation fail, and Lambda's retries are
 * the fallback. A run that fails every time would retry every minute without end and never
 * reach the DLQ's alarm: each retry publishes `ScheduledRunRetried`, and an hour of them in a
 * row pages (`ScheduledRunsFailing`, infra/alarms.ts; docs/operations.md).
 */
import type { Uses } from "../deps.js";
import { scheduleResume } from "../endpoints/index.js";
import { logger } from "../log/index.js";
import type { MaintenanceEvent } from "./maintenance-event.js";
import { publishScheduledRunRetried } from "./metrics.js";
import { RUN_RETRY_SECONDS } from "./policy/resume-pace.js";
import { waitingRunAfter } from "./policy/waiting.js";
import { resumeParked } from "./resume-run.js";
import { resumeWaiting } from "./waiting.js";

type RunDeps = Parameters<typeof resumeParked>[0] &
  Parameters<typeof resumeWaiting>[0] &
  Uses<"scheduler" | "config" | "now">;

/** A scheduled run of one endpoint's work. */
export type EndpointRunEvent = Extract<MaintenanceEvent, { kind: "endpoint.resume" | "endpoint.waiting" }>;

/** Each kind: its run (how many it resumed), and how its next run is scheduled. */
const RUNS = {
  "endpoint.resume": {
    run: (deps: RunDeps, e: EndpointRunEvent) =>
      resumeParked(deps, e.org_id, e.endpoint_id, e.kind === "endpoint.resume" ? e.at : undefined),
    next: (deps: RunDeps, e: EndpointRunEvent, afterSeconds: number) =>
      scheduleResume(deps, { org_id: e.org_id, id: e.endpoint_id }, { kind: "more", afterSeconds }),
  },
  "endpoint.waiting": {
    run: (deps: RunDeps, e: EndpointRunEvent) => resumeWaiting(deps, e.org_id, e.endpoint_id),
    next: (deps: RunDeps, e: EndpointRunEvent, afterSeconds: number) =>
      deps.scheduler.schedule(waitingRunAfter(e.org_id, e.endpoint_id, deps.now(), afterSeconds)),
  },
} as const;

/** The run the event names, or, when it throws, its next run scheduled: how many were resumed. */
export async function endpointRunOrRetry(deps: RunDeps, e: EndpointRunEvent): Promise<number> {
  const kind = RUNS[e.kind];
  try {
    return await kind.run(deps, e);
  } catch (err) {
    const error = { name: (err as Error)?.name, message: (err as Error)?.message };
    try {
      await kind.next(deps, e, RUN_RETRY_SECONDS);
    } catch {
      throw err;
    }
    logger.error("scheduled endpoint run failed; the next run is scheduled", {
      kind: e.kind,
      org_id: e.org_id,
      endpoint_id: e.endpoint_id,
      after_seconds: RUN_RETRY_SECONDS,
      error,
    });
    publishScheduledRunRetried();
    return 0;
  }
}
