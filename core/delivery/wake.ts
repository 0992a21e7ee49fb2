/**
 * Waking parked deliveries (docs/delivery.md, "A long outage leaves the queue"): a breaker
 * open longer than a re-send can wait parks its endpoint's tasks in the table
 * (policy/decide.ts `park`), so no task on the queue comes back to make the probe, and its
 * closing must resume what was parked. Both are a resume run (resume-run.ts `resumeParked`).
 */
import { SQS_MAX_DELAY_SECONDS } from "../config/index.js";
import type { Uses } from "../deps.js";
import { type ResumeCause, scheduleResume } from "../endpoints/index.js";
import { logger } from "../log/index.js";
import type { EndpointRecord } from "../model/index.js";

/**
 * A breaker open longer than a re-send can wait parks its endpoint's tasks in the table
 * (decide.ts `park`), so no task on the queue comes back to make the probe: one wake-up is
 * scheduled for when it may half-open (a resume run, resume-run.ts `resumeParked`, which lets a
 * few parked tasks through). Called by whoever set that time (opened the breaker, or won a
 * probe and re-armed it); the name is the time, so one schedule per cooldown per endpoint.
 */
export async function wakeWhenHalfOpen(
  deps: Uses<"scheduler" | "config" | "now">,
  endpoint: Pick<EndpointRecord, "org_id" | "id" | "breaker_open_until">,
): Promise<void> {
  if (!endpoint.breaker_open_until) return;
  const until = Date.parse(endpoint.breaker_open_until);
  const seconds = Math.ceil((until - deps.now().getTime()) / 1000);
  if (seconds <= SQS_MAX_DELAY_SECONDS) return; // its tasks go round the queue and probe
  await resumeLater(deps, endpoint, { kind: "half-open", openUntil: endpoint.breaker_open_until });
}

/**
 * The resume run for `cause` (core/endpoints/resume.ts). Never throws: a refused schedule (the
 * scheduler throttled) must not fail the batch or the health write that asked for it; the
 * parked tasks then wait for the next probe a new task makes, or the next wake-up.
 */
export async function resumeLater(
  deps: Uses<"scheduler" | "config" | "now">,
  endpoint: Pick<EndpointRecord, "org_id" | "id">,
  cause: ResumeCause,
): Promise<void> {
  try {
    await scheduleResume(deps, endpoint, cause);
  } catch (err) {
    logger.warn("resume of parked deliveries not scheduled", {
      org_id: endpoint.org_id,
      endpoint_id: endpoint.id,
      cause: cause.kind,
      error: (err as Error)?.message,
    });
  }
}
