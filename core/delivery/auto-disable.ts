/**
 * The auto-disable timer of a failing endpoint (docs/delivery.md, "Failing endpoints"),
 * scheduled by the health writes (health.ts) when the endpoint becomes failing.
 */
import type { Uses } from "../deps.js";
import { type EndpointRecord, scheduleName } from "../model/index.js";
import type { AutoDisableEvent } from "./maintenance-event.js";
import { disableAt } from "./policy/health.js";

/**
 * The auto-disable timer, at the time policy/health.ts `disableAt` gives. The timer names the
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
  const at = disableAt({ failingSince, firstFailureAt }, deps.config.health);
  await deps.scheduler.schedule({
    name: scheduleName("disable", endpoint.id, String(Math.floor(Date.parse(failingSince) / 1000))),
    at,
    target: "maintenance",
    body: JSON.stringify(event),
  });
}
