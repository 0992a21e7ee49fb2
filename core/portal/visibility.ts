/**
 * What a portal session may see beyond its capabilities: endpoints of its agent, events of
 * its agent and event types. The API's portal gate (core/api/portal-scope.ts) asks these
 * instead of reading the table itself.
 */
import type { Uses } from "../deps.js";
import { isId, notFound, type PortalScope } from "../model/index.js";
import { allowsAgent, allowsType } from "./scope.js";

/** What the visibility checks read. */
export type VisibilityDeps = Uses<"endpointStore" | "messageStore" | "taskStore">;

/** The kinds of task a session may follow: the ones it can start (recover, replay). */
const SESSION_TASK_KINDS = new Set(["recover", "replay"]);

/**
 * Whether a session may see a task: a recover or replay of an endpoint of its agent, limited to
 * its event types when it has some. Other kinds (an erasure names a data subject, a redrive is
 * the platform's) are never shown to a session.
 */
export function taskVisible(
  task: { kind: string; params: Record<string, unknown> },
  scope: PortalScope,
  visibleEndpoint: (id: string) => boolean,
): boolean {
  if (!SESSION_TASK_KINDS.has(task.kind)) return false;
  const ep = task.params.endpoint_id;
  if (typeof ep !== "string" || !visibleEndpoint(ep)) return false;
  if (scope.eventTypes === null) return true;
  const types = task.params.event_types;
  return Array.isArray(types) && types.every((t) => allowsType(scope, String(t)));
}

/** 404 unless the session may see the task (taskVisible). */
export async function assertTaskVisible(deps: VisibilityDeps, org: string, scope: PortalScope, id: string) {
  const task = isId("task", id) ? await deps.taskStore.get(org, id) : undefined;
  if (!task || !taskVisible(task, scope, await endpointFilter(deps, org, scope))) throw notFound("task");
}

/** Whether an endpoint id is one the session's agent may see (any, without an agent). */
export async function endpointFilter(
  deps: VisibilityDeps,
  org: string,
  scope: PortalScope,
): Promise<(id: string) => boolean> {
  if (scope.agentId === null) return () => true;
  const ids = await visibleEndpointIds(deps, org, scope);
  return (id) => ids.has(id);
}

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
