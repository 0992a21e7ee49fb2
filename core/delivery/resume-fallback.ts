/**
 * A resume run that fails does not strand the backlog (issue #25, dead-endpoint-3d after
 * recovery). The scheduled function is invoked asynchronously: a run that throws (a write
 * throttled past the SDK's retries, SQS refusing a page) is retried twice by Lambda and then
 * only reaches the scheduler's DLQ (the on-failure destination, infra/functions.ts), which
 * nothing redrives. Once the endpoint's breaker has closed, nothing else resumes what is
 * parked: no new task parks, and no wake-up is due. So the run's failure schedules the next
 * run instead of failing the invocation; what the run re-enqueued before it failed is out of
 * the parked index, the rest is still there for the next run. Only when that schedule is
 * refused too does the invocation fail, and Lambda's retries are the fallback.
 */
import type { Uses } from "../deps.js";
import { scheduleResume } from "../endpoints/index.js";
import { logger } from "../log/index.js";
import { resumeParked } from "./resume-run.js";

/** The next run after a failed one: EventBridge Scheduler's precision is a minute. */
export const RESUME_RETRY_SECONDS = 60;

type ResumeDeps = Parameters<typeof resumeParked>[0] & Uses<"scheduler" | "config" | "now">;

/** resumeParked (resume-run.ts), or, when it throws, the next run scheduled: how many were resumed. */
export async function resumeParkedOrRetry(
  deps: ResumeDeps,
  org: string,
  endpointId: string,
): Promise<number> {
  try {
    return await resumeParked(deps, org, endpointId);
  } catch (err) {
    const error = { name: (err as Error)?.name, message: (err as Error)?.message };
    try {
      await scheduleResume(
        deps,
        { org_id: org, id: endpointId },
        { kind: "more", afterSeconds: RESUME_RETRY_SECONDS },
      );
    } catch {
      throw err;
    }
    logger.error("resume run failed; the next run is scheduled", {
      org_id: org,
      endpoint_id: endpointId,
      after_seconds: RESUME_RETRY_SECONDS,
      error,
    });
    return 0;
  }
}
