/**
 * Which endpoints an event goes to: subscription patterns and the agent filter.
 *
 * Patterns are exact names, `*` (everything) or a dotted prefix ending in `.*`
 * (`telephony.*` matches `telephony.complete` and `telephony.tool.called`, not `telephony`).
 * An empty subscription means every type. An endpoint's payload filter (docs/filters.md)
 * comes last: events it refuses are `filtered`, neither delivered nor recorded.
 */

import type { EndpointRecord, MessageRecord } from "../model/index.js";
import { filterInput, passesFilter } from "./filter.js";

export function typeMatches(pattern: string, type: string): boolean {
  if (pattern === "*" || pattern === type) return true;
  if (pattern.endsWith(".*")) return type.startsWith(pattern.slice(0, -1));
  return false;
}

export function subscribes(eventTypes: readonly string[], type: string): boolean {
  return eventTypes.length === 0 || eventTypes.some((p) => typeMatches(p, type));
}

export type AgentId = string | number;

/** Same agent whatever the JSON type each side was given in: `7` and `"7"` are one agent. */
export function sameAgent(a: AgentId | null, b: AgentId | null): boolean {
  return a !== null && b !== null && String(a) === String(b);
}

/** Endpoint filter on agent: null = every agent; otherwise only events of that agent. */
export function agentMatches(endpointAgent: AgentId | null, eventAgent: string | null): boolean {
  return endpointAgent === null || sameAgent(endpointAgent, eventAgent);
}

export interface Matched {
  /** Enabled endpoints (active or failing) that get a delivery task. */
  targets: EndpointRecord[];
  /** Disabled endpoints that would have matched: recorded as "skipped" so they can be recovered. */
  skipped: EndpointRecord[];
  /** Subscribed endpoints whose payload filter refused the event: only counted. */
  filtered?: EndpointRecord[];
}

export function matchEndpoints(
  endpoints: readonly EndpointRecord[],
  event: Pick<MessageRecord, "type" | "agent_id"> &
    Partial<Pick<MessageRecord, "id" | "created_at" | "data">>,
): Matched {
  const out: Matched = { targets: [], skipped: [], filtered: [] };
  let input: unknown;
  for (const ep of endpoints) {
    if (!subscribes(ep.event_types, event.type) || !agentMatches(ep.agent_id, event.agent_id)) continue;
    if (ep.filter) {
      input ??= filterInput({ id: "", created_at: "", data: {}, ...event });
      if (!passesFilter(ep.filter, input)) {
        out.filtered?.push(ep);
        continue;
      }
    }
    (ep.status === "disabled" ? out.skipped : out.targets).push(ep);
  }
  return out;
}
