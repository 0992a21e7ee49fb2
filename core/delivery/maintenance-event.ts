/**
 * The events the delivery engine schedules for functions/scheduled.ts (target
 * "maintenance"): the JSON body of the schedule entry is the Lambda event. The auto-disable
 * timer of a failing endpoint, the resumption of a re-enabled endpoint's parked deliveries,
 * the run of an endpoint's retries due in a minute (waiting.ts), and the fan-out sweep (every minute).
 */
import * as z from "zod";
import { resumeEvent } from "../endpoints/index.js";
import { waitingEvent } from "./policy/waiting.js";

export const autoDisableEvent = z.object({
  kind: z.literal("endpoint.auto_disable"),
  org_id: z.string(),
  endpoint_id: z.string(),
  /** The failing run this timer belongs to: a recovery (or a new run) makes it a no-op. */
  failing_since: z.string(),
});
export type AutoDisableEvent = z.infer<typeof autoDisableEvent>;

/** The fan-out sweep (core/events/sweep.ts), on a rate schedule: no parameters. */
export const fanoutSweepEvent = z.object({ kind: z.literal("fanout.sweep") });

export const maintenanceEvent = z.discriminatedUnion("kind", [
  autoDisableEvent,
  resumeEvent,
  waitingEvent,
  fanoutSweepEvent,
]);
export type MaintenanceEvent = z.infer<typeof maintenanceEvent>;
