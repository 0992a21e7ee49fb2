/**
 * "Which events would this filter let through?": an endpoint's filter (or a candidate one)
 * tried on a sample event or on the organization's most recent events. Reads only.
 */
import type { Uses } from "../deps.js";
import { agentMatches, checkFilter, filterInput, passesFilter, subscribes } from "../filters/index.js";
import { type MessageRecord, validationError } from "../model/index.js";
import { requireEndpoint } from "./service.js";

export const RECENT = { default: 20, max: 100 } as const;

export interface SampleEvent {
  id?: string;
  type: string;
  agent_id?: string | null;
  timestamp?: string;
  data: Record<string, unknown>;
}

export interface FilterTestInput {
  /** A candidate filter (null: none); the endpoint's own when absent. */
  filter?: unknown;
  event?: SampleEvent;
  recent?: number;
}

export interface FilterTestResult {
  event_id: string | null;
  type: string;
  /** The endpoint's event types and agent select the event. */
  subscribed: boolean;
  /** The filter lets it through. */
  matches: boolean;
}

type Candidate = Pick<MessageRecord, "id" | "type" | "created_at" | "agent_id" | "data">;

function fromSample(e: SampleEvent, now: Date): Candidate {
  return {
    id: e.id ?? "msg_sample",
    type: e.type,
    created_at: e.timestamp ?? now.toISOString(),
    agent_id: e.agent_id ?? null,
    data: e.data,
  };
}

export async function testFilter(
  deps: Uses<"endpointStore" | "messageStore" | "now">,
  org: string,
  endpointId: string,
  input: FilterTestInput,
) {
  const ep = await requireEndpoint(deps, org, endpointId);
  if (input.event && input.recent !== undefined)
    throw validationError("give either event or recent, not both");
  const filter = input.filter === undefined ? (ep.filter ?? null) : checkFilter(input.filter);
  const candidates: { sample: boolean; m: Candidate }[] = input.event
    ? [{ sample: true, m: fromSample(input.event, deps.now()) }]
    : (await deps.messageStore.list(org, { limit: input.recent ?? RECENT.default })).items.map((m) => ({
        sample: false,
        m,
      }));
  const results: FilterTestResult[] = candidates.map(({ sample, m }) => ({
    event_id: sample && !input.event?.id ? null : m.id,
    type: m.type,
    subscribed: subscribes(ep.event_types, m.type) && agentMatches(ep.agent_id, m.agent_id),
    matches: passesFilter(filter, filterInput(m)),
  }));
  return {
    filter: filter === null ? null : (JSON.parse(filter) as Record<string, unknown>),
    tested: results.length,
    matched: results.filter((r) => r.matches).length,
    results,
  };
}
