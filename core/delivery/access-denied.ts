/**
 * An AWS destination refused hookrelay's role or its call (docs/destinations.md, "Failures"):
 * each refused delivery is dead-lettered at once with a clear `last_error` (policy/stop.ts),
 * and the platform hears of it once, as the endpoint enters that state:
 * `hookrelay.endpoint.access_denied` (docs/operations.md). A run of refusals makes one event,
 * a success or another kind of failure in between makes the next refusal a new one, so an
 * operational endpoint that is itself refused causes one event about itself, not a loop.
 */
import type { Uses } from "../deps.js";
import { logger } from "../log/index.js";
import type { EndpointRecord } from "../model/index.js";
import { emitOperational, endpointAccessDenied } from "../operational/index.js";

type DeniedDeps = Uses<"healthStore" | "config" | "taskQueue" | "operationalBus">;

/** What this module reads of a batch's observation (health.ts's HealthObservation). */
interface Seen {
  at: Date;
  error: string | null;
  accessDenied?: boolean;
}

/** `observations` are one batch's attempts to `endpoint`; only the refused ones matter. */
export async function noticeAccessDenied(
  deps: DeniedDeps,
  endpoint: EndpointRecord,
  observations: readonly Seen[],
): Promise<void> {
  const refused = observations.filter((o) => o.accessDenied);
  if (refused.length === 0) return;
  const last = refused.reduce((a, b) => (b.at >= a.at ? b : a));
  const lastError = last.error ?? "access denied";
  const entered = await deps.healthStore.enterAccessDenied(endpoint, {
    lastError,
    at: last.at.toISOString(),
  });
  if (!entered) return;
  logger.warn("endpoint access denied", {
    org_id: endpoint.org_id,
    endpoint_id: endpoint.id,
    role_arn: endpoint.aws?.role_arn,
  });
  await emitOperational(deps, [endpointAccessDenied(endpoint, lastError, last.at)]);
}
