/**
 * The auto-disable timer of a failing endpoint (docs/delivery.md, "Failing endpoints"),
 * scheduled by the health writes (health.ts) when the endpoint becomes failing.
 */
import type { Uses } from "../deps.js";
import { type EndpointRecord, scheduleName } from "../model/index.js";
import type { AutoDisableEvent } from "./maintenance-event.js";

/**
 * The auto-disable timer: `disableAfterDays` after the run of failures began (Svix: "all
 * attempts failing for 5 days"), not after the endpoint became failing, which added
 * `failingAfterHours` to it; never before the endpoint is failing. The timer names the
 * failing run (`failing_since`), so a newer run or a success makes it a no-op.
 */
export async function scheduleAutoDisable(
  deps: Uses<"scheduler" | "config">,
  endpoint: EndpointRecord,
  run: { failingSince: string; firstFailureAt: string },
) {
  const { failingSince, firstFailureAt } = run;
  const event: AutoDisableEvent = {
    kind: "endpoint.auto_disable",
    org_id: endpoint.org_id,
    endpoint_id: endpoint.id,
    failing_since: failingSince,
  };
  const due = Date.parse(firstFailureAt) + deps.config.health.disableAfterDays * 86_400_000;
  const at = new Date(Math.max(Date.parse(failingSince), due));
  await deps.scheduler.schedule({
    name: scheduleName("disable", endpoint.id, String(Math.floor(Date.parse(failingSince) / 1000))),
    at,
    target: "maintenance",
    body: JSON.stringify(event),
  });
}
