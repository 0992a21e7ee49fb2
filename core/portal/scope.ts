/**
 * What a portal session may see and write, as pure rules: the agent and event-type scope
 * (the session's own "tenant isolation" inside its organization).
 */
import type { UpdateEndpointInput } from "../endpoints/index.js";
import { type AgentId, sameAgent } from "../filters/index.js";
import { type PortalScope, validationError } from "../model/index.js";

export const allowsType = (scope: PortalScope, type: string) =>
  scope.eventTypes === null || scope.eventTypes.includes(type);

/** Agents compare by value: an endpoint's integer agent `7` is the session's agent `"7"`. */
export const allowsAgent = (scope: PortalScope, agent: AgentId | null | undefined) =>
  scope.agentId === null || sameAgent(agent ?? null, scope.agentId);

/**
 * Pins an endpoint create/update to the session's scope: its agent (set on create, never
 * another or none), and its event types (each one listed; none = all of the session's, since
 * an endpoint without types would receive every type). API keys (no scope) pass unchanged.
 */
export function scopeEndpointInput<T extends UpdateEndpointInput>(
  scope: PortalScope | undefined,
  input: T,
  create: boolean,
): T {
  if (!scope) return input;
  const out = { ...input };
  if (scope.agentId !== null) {
    if (
      input.agent_id === null ||
      (input.agent_id !== undefined && !sameAgent(input.agent_id, scope.agentId))
    ) {
      throw validationError(`this session manages only agent ${scope.agentId}'s endpoints`);
    }
    if (create) out.agent_id = scope.agentId;
  }
  const allowed = scope.eventTypes;
  if (allowed !== null) {
    const bad = (input.event_types ?? []).filter((t) => !allowed.includes(t));
    if (bad.length > 0) throw validationError("event_types must be types this session may see", { bad });
    if (input.event_types?.length === 0 || (create && input.event_types === undefined)) {
      out.event_types = [...allowed];
    }
  }
  return out;
}
