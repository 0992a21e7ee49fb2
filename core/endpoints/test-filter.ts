/**
 * "Which events would this filter let through?": an endpoint's filter (or a candidate one)
 * tried on a sample event or on the organization's most recent events. Reads only.
 */
import type { Uses } from "../deps.js";
import {
  agentMatches,
  checkFilter,
  filterBudget,
  filterInput,
  judgeFilter,
  subscribes,
} from "../filters/index.js";
import { MAX_DATA_BYTES, type MessageRecord, payloadTooLarge, validationError } from "../model/index.js";
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
  /**
   * Present (true) when the filter ran out of its work budget on this event: at fan-out the
   * endpoint's delivery would be skipped with reason `filter_budget_exceeded`.
   */
  budget_exceeded?: true;
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

/** A sample is held to the limit of a published event's `data` (413, as publishing answers). */
function checkSampleSize(data: unknown) {
  const size = Buffer.byteLength(JSON.stringify(data) ?? "", "utf8");
  if (size > MAX_DATA_BYTES) {
    throw payloadTooLarge(`event.data is ${size} bytes; the limit is ${MAX_DATA_BYTES}`);
  }
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
  if (input.event) checkSampleSize(input.event.data);
  const filter = input.filter === undefined ? (ep.filter ?? null) : checkFilter(input.filter);
  const candidates: { sample: boolean; m: Candidate }[] = input.event
    ? [{ sample: true, m: fromSample(input.event, deps.now()) }]
    : (await deps.messageStore.list(org, { limit: input.recent ?? RECENT.default })).items.map((m) => ({
        sample: false,
        m,
      }));
  // One event's budget for the whole request, as at fan-out; a candidate filter is not cached.
  const budget = filterBudget();
  const cache = input.filter === undefined;
  const results: FilterTestResult[] = candidates.map(({ sample, m }) => {
    const verdict = judgeFilter(filter, filterInput(m), budget, { cache });
    return {
      event_id: sample && !input.event?.id ? null : m.id,
      type: m.type,
      subscribed: subscribes(ep.event_types, m.type) && agentMatches(ep.agent_id, m.agent_id),
      matches: verdict === "passes",
      ...(verdict === "over_budget" ? { budget_exceeded: true as const } : {}),
    };
  });
  return {
    filter: filter === null ? null : (JSON.parse(filter) as Record<string, unknown>),
    tested: results.length,
    matched: results.filter((r) => r.matches).length,
    results,
  };
}
