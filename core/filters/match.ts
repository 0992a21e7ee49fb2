/**
 * Which endpoints an event goes to: subscription patterns and the agent filter.
 *
 * Patterns are exact names, `*` (everything) or a dotted prefix ending in `.*`
 * (`telephony.*` matches `telephony.complete` and `telephony.tool.called`, not `telephony`).
 * An empty subscription means every type. An endpoint's payload filter (docs/filters.md)
 * comes last: events it refuses are `filtered`, neither delivered nor recorded. All the
 * filters of one event share one budget of steps (FILTER_STEPS): an endpoint whose filter
 * runs out of it is `skipped` with the reason `filter_budget_exceeded`, recorded and
 * recoverable, never silently dropped.
 */

import { logger } from "../log/index.js";
import { type EndpointRecord, type MessageRecord, parksDeliveries } from "../model/index.js";
import { filterBudget, filterInput, judgeFilter } from "./filter.js";

/** Why an endpoint matched by type and agent gets no task, as its "skipped" record says. */
export const SKIP_REASONS = {
  disabled: "endpoint disabled",
  overBudget: "filter_budget_exceeded: the endpoint's filter took more than its work budget on this event",
} as const;

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
  /**
   * Endpoints that would have matched but get no task: disabled, or their filter ran out of
   * budget. Recorded as "skipped" (with the reason) so they can be recovered.
   */
  skipped: EndpointRecord[];
  /** Why each skipped endpoint was skipped, by id (absent: disabled). */
  skipReasons?: Record<string, string>;
  /** Subscribed endpoints whose payload filter refused the event: only counted. */
  filtered?: EndpointRecord[];
  /** Steps the event's filters took, all endpoints together. */
  filterSteps?: number;
}

export function matchEndpoints(
  endpoints: readonly EndpointRecord[],
  event: Pick<MessageRecord, "type" | "agent_id"> &
    Partial<Pick<MessageRecord, "id" | "created_at" | "data">>,
): Matched {
  const out: Matched = { targets: [], skipped: [], skipReasons: {}, filtered: [] };
  const budget = filterBudget();
  let input: unknown;
  for (const ep of endpoints) {
    if (!subscribes(ep.event_types, event.type) || !agentMatches(ep.agent_id, event.agent_id)) continue;
    if (ep.filter) {
      input ??= filterInput({ id: "", created_at: "", data: {}, ...event });
      const verdict = judgeFilter(ep.filter, input, budget);
      if (verdict === "filtered") {
        out.filtered?.push(ep);
        continue;
      }
      if (verdict === "over_budget") {
        out.skipped.push(ep);
        out.skipReasons![ep.id] = SKIP_REASONS.overBudget;
        logger.warn("filter over its budget; delivery skipped", {
          org_id: ep.org_id,
          endpoint_id: ep.id,
          steps: budget.spent,
        });
        continue;
      }
    }
    // Disabled or paused: recorded as parked at fan-out, resumed when set active again.
    (parksDeliveries(ep.status) ? out.skipped : out.targets).push(ep);
  }
  out.filterSteps = budget.spent;
  return out;
}
