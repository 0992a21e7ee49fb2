/**
 * The events the delivery engine schedules for functions/scheduled.ts (target
 * "maintenance"): the JSON body of the schedule entry is the Lambda event. The auto-disable
 * timer of a failing endpoint, and the resumption of a re-enabled endpoint's parked deliveries.
 */
import * as z from "zod";
import { resumeEvent } from "../endpoints/index.js";

export const autoDisableEvent = z.object({
  kind: z.literal("endpoint.auto_disable"),
  org_id: z.string(),
  endpoint_id: z.string(),
  /** The failing run this timer belongs to: a recovery (or a new run) makes it a no-op. */
  failing_since: z.string(),
});
export type AutoDisableEvent = z.infer<typeof autoDisableEvent>;

export const maintenanceEvent = z.discriminatedUnion("kind", [autoDisableEvent, resumeEvent]);
export type MaintenanceEvent = z.infer<typeof maintenanceEvent>;
