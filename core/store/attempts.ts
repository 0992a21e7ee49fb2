/**
 * Reading the attempt log (core/store/deliveries.ts writes it): an attempt is a delivery-log
 * item that carries `attempt`. Listed per endpoint (every shard of its log, merged) or per
 * event (the event's range in each of its endpoints' logs, merged), newest first.
 */
import type { AttemptRecord } from "../model/delivery.js";
import { type CursorKey, cursorWithin } from "./cursor.js";
import type { Db } from "./db.js";
import { endpointsOfMessage } from "./deliveries.js";
import { field } from "./fields.js";
import { keys } from "./keys.js";
import { allShards, queryMerged } from "./shards.js";

export interface AttemptPage {
  attempts: AttemptRecord[];
  next: CursorKey | undefined;
}

export interface AttemptQuery {
  limit: number;
  cursor?: CursorKey;
  /** Only successful (true) or failed (false) attempts. */
  success?: boolean;
}

/** The attempt an item carries (`attempt`), with the delivery's ids. */
function toAttempt(item: Record<string, unknown>): AttemptRecord {
  const a = field.map(item, "attempt");
  return {
    id: field.str(a, "id"),
    org_id: field.str(item, "org_id"),
    msg_id: field.str(item, "msg_id"),
    endpoint_id: field.str(item, "endpoint_id"),
    event_type: field.str(item, "event_type"),
    attempt: field.num(a, "attempt"),
    timestamp: field.str(a, "timestamp"),
    success: a.success === true,
    status_code: field.numOrNull(a, "status_code"),
    latency_ms: field.num(a, "latency_ms"),
    response_body: field.strOrNull(a, "response_body"),
    error: field.strOrNull(a, "error"),
    trigger: field.str(a, "trigger"),
  };
}

/** Attempts of one endpoint: newest event first, each event's attempts newest first. */
export function attemptsOfEndpoint(db: Db, org: string, endpointId: string, q: AttemptQuery) {
  return queryAttempts(
    db,
    allShards().map((s) => keys.logPartition(org, endpointId, s)),
    { scope: keys.endpointAttemptListing(org, endpointId), prefix: "msg_" },
    q,
  );
}

/** Attempts of one event at the endpoints it went to (default: read from the message), newest first. */
export async function attemptsOfMessage(
  db: Db,
  org: string,
  msgId: string,
  q: AttemptQuery,
  endpointIds?: string[],
): Promise<AttemptPage> {
  const eps = endpointIds ?? (await endpointsOfMessage(db, org, msgId));
  const pks = [...new Set(eps)].map((ep) => keys.logOfDelivery(org, ep, msgId).pk);
  const prefix = keys.logOfDelivery(org, "", msgId).prefix;
  return queryAttempts(db, pks, { scope: keys.eventAttemptListing(org, msgId), prefix }, q);
}

/**
 * The items are sorted by sort key; `prefix` limits them to one event's. The cursor is the
 * last sort key returned, bound to the listing's `scope` (another listing's cursor is refused).
 */
async function queryAttempts(
  db: Db,
  pks: string[],
  { scope, prefix }: { scope: string; prefix: string },
  q: AttemptQuery,
): Promise<AttemptPage> {
  const cursor = cursorWithin(q.cursor, { pk: scope }, { sk: prefix });
  const { items, next } = await queryMerged(db, {
    pks,
    from: prefix,
    to: cursor?.sk ?? `${prefix}\uffff`,
    limit: q.limit,
    maxRounds: 10,
    filter: {
      FilterExpression:
        q.success === undefined ? "attribute_exists(#a)" : "attribute_exists(#a) AND #a.success = :ok",
      ExpressionAttributeNames: { "#a": "attempt" },
      values: q.success === undefined ? {} : { ":ok": q.success },
    },
  });
  return { attempts: items.map(toAttempt), next: next === undefined ? undefined : { pk: scope, sk: next } };
}
