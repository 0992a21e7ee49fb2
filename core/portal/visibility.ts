/**
 * What a portal session may see beyond its capabilities: endpoints of its agent, events of
 * its agent and event types. The API's portal gate (core/api/portal-scope.ts) asks these
 * instead of reading the table itself.
 */
import type { Uses } from "../deps.js";
import { isId, notFound, type PortalScope } from "../model/index.js";
import { allowsAgent, allowsType } from "./scope.js";

/** What the visibility checks read. */
export type VisibilityDeps = Uses<"endpointStore" | "messageStore">;

/** 404 unless the endpoint exists and belongs to the session's agent (any agent: no read). */
export async function assertEndpointVisible(
  deps: VisibilityDeps,
  org: string,
  scope: PortalScope,
  id: string,
) {
  if (scope.agentId === null) return;
  const ep = isId("ep", id) ? await deps.endpointStore.get(org, id) : undefined;
  if (!ep || !allowsAgent(scope, ep.agent_id)) throw notFound("endpoint");
}

/** 404 unless the event exists and matches the session's agent and event types. */
export async function assertEventVisible(deps: VisibilityDeps, org: string, scope: PortalScope, id: string) {
  if (scope.agentId === null && scope.eventTypes === null) return;
  const m = isId("msg", id) ? await deps.messageStore.get(org, id) : undefined;
  if (!m || !allowsAgent(scope, m.agent_id) || !allowsType(scope, m.type)) throw notFound("event");
}

/** Ids of the organization's endpoints the session's agent may see. */
export async function visibleEndpointIds(
  deps: VisibilityDeps,
  org: string,
  scope: PortalScope,
): Promise<Set<string>> {
  return new Set(
    (await deps.endpointStore.listAll(org)).filter((e) => allowsAgent(scope, e.agent_id)).map((e) => e.id),
  );
}
