/** Reading events back: the list, and one event with its state at each endpoint. */
import type { Uses } from "../deps.js";
import {
  type CursorKey,
  type DeliveryStatus,
  type EndpointDelivery,
  isId,
  type MessageRecord,
  notFound,
  type PayloadState,
  payloadState,
  type StoredMessage,
} from "../model/index.js";

export type FanoutState = "scheduled" | "in_progress" | "complete";

/** The stored message as callers see it: its own fields (not the fan-out bookkeeping) and a fan-out state. */
export type EventView = Pick<
  MessageRecord,
  "id" | "type" | "agent_id" | "producer_id" | "created_at" | "deliver_at"
> & {
  fanout: FanoutState;
  schema_version: number | null;
  /** The payload while it is kept; null once expired or erased (`payload` says which). */
  data: MessageRecord["data"] | null;
  subject: string | null;
  payload: PayloadState;
  /** When the payload is deleted (its retention), ISO; null for an event stored without one. */
  expires_at: string | null;
};

/**
 * The fan-out state. A first fan-out that completes records nothing in `sent` (docs/cost.md);
 * one that fails part-way records what went out. So a target counts as enqueued when `sent`
 * names it or, given the delivery log (`logged`), when it has a record there (its task was
 * received). A publish that died between storing the event and enqueuing its tasks is never
 * called complete (issue #23 item 6): with the log, a target neither marked nor logged keeps
 * the event `in_progress`; without it (a plain listing), its open fan-out marker does
 * (`open`: core/store/open-fanouts.ts, deleted once an HTTP publish's tasks are queued), and
 * an empty `sent` with no marker is a completed first pass.
 */
function fanoutState(m: StoredMessage, logged?: ReadonlySet<string>, open = false): FanoutState {
  if (m.fanout_at === null) return "scheduled";
  const sent = new Set(m.sent);
  if (m.targets.every((t) => sent.has(t) || logged?.has(t))) return "complete";
  if (m.sent.length === 0 && logged === undefined && !open) return "complete";
  return "in_progress";
}

export function toEventView(
  m: StoredMessage,
  now: Date,
  logged?: ReadonlySet<string>,
  open = false,
): EventView {
  const payload = payloadState(m, now);
  return {
    id: m.id,
    type: m.type,
    agent_id: m.agent_id,
    data: payload === "available" ? m.data : null,
    subject: payload === "erased" ? null : (m.subject ?? null),
    payload,
    expires_at: m.expires_at === undefined ? null : new Date(m.expires_at * 1000).toISOString(),
    producer_id: m.producer_id,
    created_at: m.created_at,
    deliver_at: m.deliver_at,
    schema_version: m.schema_version ?? null,
    fanout: fanoutState(m, logged, open),
  };
}

export interface EventListQuery {
  limit: number;
  type?: string;
  cursor?: CursorKey;
  /** Accepted at or after / before (epoch ms). */
  after?: number;
  before?: number;
  /** Only events with a delivery in this state at some endpoint. */
  status?: DeliveryStatus;
}

/** Events one listing examines at most for a status filter; the cursor continues from there. */
export const STATUS_SCAN_BUDGET = 200;

/**
 * A page of events. Type and time are key conditions or filters of one query; the delivery
 * status lives in each event's delivery log, so a status filter reads each candidate's
 * deliveries (getEventWithDeliveries) and stops after STATUS_SCAN_BUDGET events: such a page
 * may hold fewer than `limit` events, or none, with a `next_cursor` to go on from.
 */
/** What reading events back uses: the messages and their delivery log. */
type QueryDeps = Uses<"deliveryStore" | "messageStore" | "now">;

export async function listEvents(
  deps: QueryDeps,
  org: string,
  opts: EventListQuery,
): Promise<{ events: EventView[]; last: CursorKey | undefined }> {
  const query = { type: opts.type, after: opts.after, before: opts.before };
  if (!opts.status) {
    const page = await deps.messageStore.list(org, { ...query, limit: opts.limit, cursor: opts.cursor });
    const open = await deps.messageStore.openAmong(page.items);
    const now = deps.now();
    return { events: page.items.map((m) => toEventView(m, now, undefined, open.has(m.id))), last: page.last };
  }
  const events: EventView[] = [];
  let cursor = opts.cursor;
  let examined = 0;
  while (examined < STATUS_SCAN_BUDGET) {
    const page = await deps.messageStore.list(org, { ...query, limit: 25, cursor });
    for (const m of page.items) {
      examined++;
      cursor = deps.messageStore.cursorAfter(org, m.id);
      const { deliveries, ...view } = await withDeliveries(deps, org, m);
      if (deliveries.some((d) => d.status === opts.status)) events.push(view);
      if (events.length === opts.limit) return { events, last: cursor };
    }
    if (!page.last) return { events, last: undefined };
    cursor = page.last;
  }
  return { events, last: cursor };
}

/**
 * The event and its status per endpoint: the delivery records the engine wrote, plus
 * `pending` for targets that have none yet (task enqueued, no attempt finished).
 */
export async function getEventWithDeliveries(
  deps: QueryDeps,
  org: string,
  id: string,
): Promise<EventView & { deliveries: EndpointDelivery[] }> {
  // Ids that cannot be ours are 404 without a read.
  const m = isId("msg", id) ? await deps.messageStore.get(org, id) : undefined;
  if (!m) throw notFound("event");
  return withDeliveries(deps, org, m);
}

async function withDeliveries(
  deps: QueryDeps,
  org: string,
  m: StoredMessage,
): Promise<EventView & { deliveries: EndpointDelivery[] }> {
  const records = await deps.deliveryStore.ofMessage(org, m.id, [...m.targets, ...(m.skipped ?? [])]);
  const byEndpoint = new Map(records.map((r) => [r.endpoint_id, r]));
  const deliveries: EndpointDelivery[] = [];
  for (const endpointId of new Set([...m.targets, ...byEndpoint.keys()])) {
    const r = byEndpoint.get(endpointId);
    deliveries.push(
      r
        ? {
            endpoint_id: endpointId,
            status: r.status,
            attempts: r.attempts,
            last_status_code: r.last_status_code,
            last_error: r.last_error,
            next_attempt_at: r.next_attempt_at,
            updated_at: r.updated_at,
          }
        : {
            endpoint_id: endpointId,
            status: "pending",
            attempts: 0,
            last_status_code: null,
            last_error: null,
            next_attempt_at: null,
            updated_at: null,
          },
    );
  }
  return { ...toEventView(m, deps.now(), new Set(byEndpoint.keys())), deliveries };
}
