/**
 * Parked deliveries resume through one run, whatever parked them (docs/delivery.md, "Disabled
 * endpoints", "Paused endpoints", "A long outage leaves the queue"): re-enabling or unpausing
 * the endpoint (the endpoints service), its breaker closing or about to half-open
 * (core/delivery/health.ts, wake.ts) call `scheduleResume` with their `ResumeCause`, and the maintenance function
 * (core/delivery/maintenance.ts) re-enqueues what is parked (core/delivery/resume-run.ts
 * `resumeParked`), paced (core/delivery/policy/resume-pace.ts), scheduling itself again while more remain. Here, not in
 * core/delivery, because delivery depends on endpoints and not the other way round.
 */
import * as z from "zod";
import type { Uses } from "../deps.js";
import { scheduleName } from "../model/index.js";

/** The maintenance event of a resume (one of core/delivery/maintenance-event.ts). */
export const resumeEvent = z.object({
  kind: z.literal("endpoint.resume"),
  org_id: z.string(),
  endpoint_id: z.string(),
  /** When the run was scheduled for (epoch ms): how a run knows it is the one a lease's cover names. */
  at: z.number().optional(),
});
export type ResumeEvent = z.infer<typeof resumeEvent>;

/** Seconds added to the endpoint cache's lifetime before a resume run. */
const MARGIN_SECONDS = 2;

/**
 * Why an endpoint's parked deliveries resume: every reason a delivery is parked ends in one
 * resume run (core/delivery/resume-run.ts `resumeParked`, one at a time per endpoint), scheduled here.
 */
export type ResumeCause =
  /** It left a status that parks (`parksDeliveries`: re-enabled, or set active after a pause). */
  | { kind: "unparked" }
  /** Its breaker, open until `openUntil`, closed (core/delivery/health.ts). */
  | { kind: "breaker-closed"; openUntil: string }
  /** Its breaker, open until `openUntil` (beyond a re-send's delay), may half-open then (core/delivery/wake.ts). */
  | { kind: "half-open"; openUntil: string }
  /** Tasks that waited on the queue too long were parked (core/delivery/policy/queue-age.ts). */
  | { kind: "aged" }
  /** A run left more parked: the next one, `afterSeconds` from now (at once by default). */
  | { kind: "more"; afterSeconds?: number };

/**
 * When the run starts, and the key that names it (processes asking for the same run make one
 * schedule). After a change of the endpoint, the run waits out the endpoint cache's lifetime
 * (plus a margin), so tasks parked by a process that still saw the old state are parked before
 * it looks. Pure.
 */
export function resumeRun(
  cause: ResumeCause,
  now: Date,
  cacheSeconds: number,
): { afterSeconds: number; key: string } {
  const settled = cacheSeconds + MARGIN_SECONDS;
  const at = (seconds: number) => String(now.getTime() + seconds * 1000);
  switch (cause.kind) {
    case "unparked":
      return { afterSeconds: settled, key: at(settled) };
    case "breaker-closed":
      return { afterSeconds: settled, key: `closed-${Date.parse(cause.openUntil)}` };
    case "half-open": {
      const until = Date.parse(cause.openUntil);
      return { afterSeconds: Math.ceil((until - now.getTime()) / 1000), key: `wake-${until}` };
    }
    case "aged": {
      // One run a minute for an endpoint whatever the number of tasks parked meanwhile.
      const minute = Math.floor(now.getTime() / 60_000) * 60_000;
      return { afterSeconds: settled, key: `aged-${minute}` };
    }
    case "more": {
      const after = cause.afterSeconds ?? 0;
      return { afterSeconds: after, key: at(after) };
    }
  }
}

/** Schedules the resume run of the endpoint's parked deliveries for `cause`: when it is due (epoch ms). */
export async function scheduleResume(
  deps: Uses<"config" | "scheduler" | "now">,
  endpoint: { org_id: string; id: string },
  cause: ResumeCause,
): Promise<number> {
  const now = deps.now();
  const run = resumeRun(cause, now, deps.config.endpointCacheSeconds);
  const at = now.getTime() + run.afterSeconds * 1000;
  const event: ResumeEvent = { kind: "endpoint.resume", org_id: endpoint.org_id, endpoint_id: endpoint.id };
  // A run that goes on with another's work may be the one that run's cover names (resume-run.ts).
  if (cause.kind === "more") event.at = at;
  await deps.scheduler.schedule({
    name: scheduleName("resume", endpoint.id, run.key),
    at: new Date(at),
    target: "maintenance",
    body: JSON.stringify(event),
  });
  return at;
}
