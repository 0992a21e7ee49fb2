/**
 * Which endpoints an event goes to: subscription patterns and the agent filter.
 *
 * Patterns are exact names, `*` (everything) or a dotted prefix ending in `.*`
 * (`telephony.*` matches `telephony.complete` and `telephony.tool.called`, not `telephony`).
 * An empty subscription means every type.
 */
import type { EndpointRecord } from "../model/endpoint.js";

export function typeMatches(pattern: string, type: string): boolean {
  if (pattern === "*" || pattern === type) return true;
  if (pattern.endsWith(".*")) return type.startsWith(pattern.slice(0, -1));
  return false;
}

export function subscribes(eventTypes: readonly string[], type: string): boolean {
  return eventTypes.length === 0 || eventTypes.some((p) => typeMatches(p, type));
}

/** Endpoint filter on agent: null = every agent; otherwise only events of that agent. */
export function agentMatches(endpointAgent: string | null, eventAgent: string | null): boolean {
  return endpointAgent === null || endpointAgent === eventAgent;
}

export interface Matched {
  /** Enabled endpoints (active or failing) that get a delivery task. */
  targets: EndpointRecord[];
  /** Disabled endpoints that would have matched: recorded as "skipped" so they can be recovered. */
  skipped: EndpointRecord[];
}

export function matchEndpoints(
  endpoints: readonly EndpointRecord[],
  event: { type: string; agent_id: string | null },
): Matched {
  const out: Matched = { targets: [], skipped: [] };
  for (const ep of endpoints) {
    if (!subscribes(ep.event_types, event.type) || !agentMatches(ep.agent_id, event.agent_id)) continue;
    (ep.status === "disabled" ? out.skipped : out.targets).push(ep);
  }
  return out;
}
