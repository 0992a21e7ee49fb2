/**
 * Scheduled work of the delivery engine (functions/scheduled.ts): the fan-out sweep every
 * minute (core/events/sweep.ts), resuming a re-enabled endpoint's parked deliveries
 * (resume-run.ts), resuming an endpoint's retries due in a minute (waiting.ts) (either run,
 * failing, schedules its next: run-fallback.ts), and the auto-disable timer set when an
 * endpoint became failing. The timer disables the endpoint only if it is still
 * failing since that same time: a success in between (back to active) or a newer failing
 * run (with its own timer) turns this one into a no-op, so stale timers need no cancel.
 */
import type { Parts, Uses } from "../deps.js";
import { sweepOpenFanouts } from "../events/index.js";
import { logger } from "../log/index.js";
import { emitOperational, endpointDisabled } from "../operational/index.js";
import { maintenanceEvent } from "./maintenance-event.js";
import { endpointRunOrRetry } from "./run-fallback.js";

/** What the maintenance handler is handed (core/compose.ts contextFor; part of SCHEDULED_PORTS). */
export const MAINTENANCE_PORTS = [
  "config",
  "now",
  "taskQueue",
  "scheduler",
  "operationalBus",
  "endpoints",
  "endpointStore",
  "messageStore",
  "deliveryStore",
  "fanoutStore",
  "filterCountStore",
  "filterCounts",
  "healthStore",
] as const satisfies Parts;

export type MaintenanceContext = Uses<(typeof MAINTENANCE_PORTS)[number]>;

export type MaintenanceResult = { done: "disabled" | "unchanged" | "ignored" | "resumed" | "swept" };

export function createMaintenanceHandler(
  deps: MaintenanceContext,
): (event: unknown) => Promise<MaintenanceResult> {
  return async (event) => {
    const parsed = maintenanceEvent.safeParse(typeof event === "string" ? safeJson(event) : event);
    if (!parsed.success) {
      logger.warn("maintenance: unknown event ignored", { issues: parsed.error.issues.length });
      return { done: "ignored" };
    }
    const e = parsed.data;
    if (e.kind === "fanout.sweep") {
      await sweepOpenFanouts(deps);
      return { done: "swept" };
    }
    if (e.kind === "endpoint.waiting" || e.kind === "endpoint.resume") {
      const n = await endpointRunOrRetry(deps, e);
      return { done: n > 0 ? "resumed" : "unchanged" };
    }
    const ep = { org_id: e.org_id, id: e.endpoint_id };
    const disabled = await deps.healthStore.autoDisable(ep, e.failing_since);
    logger.info(disabled ? "endpoint auto-disabled" : "auto-disable skipped: endpoint no longer failing", {
      org_id: e.org_id,
      endpoint_id: e.endpoint_id,
      failing_since: e.failing_since,
    });
    if (disabled) {
      await emitOperational(deps, [endpointDisabled(disabled, "auto_disable", deps.now(), e.failing_since)]);
    }
    return { done: disabled ? "disabled" : "unchanged" };
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
