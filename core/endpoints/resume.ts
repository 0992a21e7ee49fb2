/**
 * Re-enabling a disabled endpoint resumes its parked deliveries (docs/delivery.md, "Disabled
 * endpoints"): the endpoints service calls `scheduleResume`, and the maintenance function
 * (core/delivery/maintenance.ts) re-enqueues what is parked (core/delivery/recovery.ts
 * `resumeParked`), 1,000 per run, scheduling itself again while more remain. Here, not in
 * core/delivery, because delivery depends on endpoints and not the other way round.
 *
 * The run waits out the endpoint cache's lifetime (plus a margin), so tasks parked by a
 * process that still saw the endpoint disabled are parked before it looks.
 */
import * as z from "zod";
import type { Deps } from "../deps.js";
import { scheduleName } from "../model/index.js";

/** The maintenance event of a resume (one of core/delivery/maintenance-event.ts). */
export const resumeEvent = z.object({
  kind: z.literal("endpoint.resume"),
  org_id: z.string(),
  endpoint_id: z.string(),
});
export type ResumeEvent = z.infer<typeof resumeEvent>;

/** Seconds added to the endpoint cache's lifetime before a resume run. */
const MARGIN_SECONDS = 2;

export async function scheduleResume(
  deps: Pick<Deps, "config" | "scheduler" | "now">,
  org: string,
  endpointId: string,
  afterSeconds = deps.config.endpointCacheSeconds + MARGIN_SECONDS,
  /** Names the run: processes asking for the same one (same key) make one schedule. */
  key?: string,
): Promise<void> {
  const at = new Date(deps.now().getTime() + afterSeconds * 1000);
  const event: ResumeEvent = { kind: "endpoint.resume", org_id: org, endpoint_id: endpointId };
  await deps.scheduler.schedule({
    name: scheduleName("resume", endpointId, key ?? String(at.getTime())),
    at,
    target: "maintenance",
    body: JSON.stringify(event),
  });
}
