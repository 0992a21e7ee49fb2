/**
 * The move of an endpoint to the slow lane (docs/delivery.md, "Slow lane"): after an attempt
 * ran into the shared lane's budget (handler.ts), or when its median answer nears the budget
 * (health.ts, policy/window.ts).
 */
import type { Uses } from "../deps.js";
import { logger } from "../log/index.js";
import { type EndpointRecord, isSlow } from "../model/index.js";

/**
 * Moves the endpoint to the slow lane for `slowLaneSeconds`, unless it is there already.
 * Written at once (not with the batch) and the directory invalidated: the other pollers of
 * this process must see it now.
 */
export async function moveToSlowLane(
  deps: Uses<"healthStore" | "endpoints" | "config">,
  endpoint: EndpointRecord,
  now: Date,
  why: string,
): Promise<void> {
  if (isSlow(endpoint, now)) return;
  const until = new Date(now.getTime() + deps.config.isolation.slowLaneSeconds * 1000).toISOString();
  if (!(await deps.healthStore.markSlow(endpoint, until))) return; // deleted meanwhile
  deps.endpoints.invalidate(endpoint.org_id);
  logger.info("endpoint moved to the slow lane", {
    why,
    org_id: endpoint.org_id,
    endpoint_id: endpoint.id,
    until,
  });
}
