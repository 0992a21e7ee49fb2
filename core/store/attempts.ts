/**
 * Reading the attempt log (core/store/deliveries.ts writes it): an attempt is a delivery-log
 * item that carries `attempt`. Listed per endpoint (every shard of its log, merged) or per
 * event (the event's range in each of its endpoints' logs, merged), newest first.
 */
import { encodeTime } from "ulid";
import type { AttemptPage, AttemptQuery, AttemptRecord } from "../model/index.js";
import { cursorWithin } from "./cursor.js";
import { endpointsOfMessage } from "./deliveries.js";
import { field } from "./fields.js";
import { getItem } from "./item.js";
import { keys } from "./keys.js";
import { queryPages } from "./query.js";
import { shardsBelow, shardsUpTo } from "./shard-plan.js";
import { shardPlanOf } from "./shard-plans.js";
import { queryMerged } from "./shards.js";
import type { Db } from "./table.js";

/**
 * `event_type IN (…)` for a type-scoped read (at most 100 types: a portal session's bound,
 * DynamoDB's limit for IN); nothing when every type is wanted.
 */
function typeCondition(types: readonly string[] | undefined) {
  if (types === undefined) return { conditions: [] as string[], values: {} };
  if (types.length === 0) return { conditions: ["attribute_not_exists(event_type)"], values: {} };
  const values = Object.fromEntries(types.map((t, i) => [`:type${i}`, t]));
  return { conditions: [`event_type IN (${Object.keys(values).join(", ")})`], values };
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
export async function attemptsOfEndpoint(db: Db, org: string, endpointId: string, q: AttemptQuery) {
  const plan = await shardPlanOf(db, org);
  return queryAttempts(
    db,
    (to) => shardsBelow(plan, to).map((s) => keys.logPartition(org, endpointId, s)),
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
  const plan = await shardPlanOf(db, org);
  const pks = [...new Set(eps)].map((ep) => keys.logOfDelivery(org, ep, msgId, plan).pk);
  const prefix = keys.logOfDelivery(org, "", msgId, plan).prefix;
  return queryAttempts(db, () => pks, { scope: keys.eventAttemptListing(org, msgId), prefix }, q);
}

/**
 * The items are sorted by sort key; `prefix` limits them to one event's; `pksBelow` names the
 * partitions that can hold sort keys below the page's bound. The cursor is the
 * last sort key returned, bound to the listing's `scope` (another listing's cursor is refused).
 */
async function queryAttempts(
  db: Db,
  pksBelow: (to: string) => string[],
  { scope, prefix }: { scope: string; prefix: string },
  q: AttemptQuery,
): Promise<AttemptPage> {
  const cursor = cursorWithin(q.cursor, { pk: scope }, { sk: prefix });
  const types = typeCondition(q.eventTypes);
  const to = cursor?.sk ?? `${prefix}\uffff`;
  const { items, next } = await queryMerged(db, {
    pks: pksBelow(to),
    from: prefix,
    to,
    limit: q.limit,
    maxRounds: 10,
    filter: {
      FilterExpression: [
        "attribute_exists(#a)",
        ...(q.success === undefined ? [] : ["#a.success = :ok"]),
        ...types.conditions,
      ].join(" AND "),
      ExpressionAttributeNames: { "#a": "attempt" },
      values: { ...(q.success === undefined ? {} : { ":ok": q.success }), ...types.values },
    },
  });
  return { attempts: items.map(toAttempt), last: next === undefined ? undefined : { pk: scope, sk: next } };
}

/** One attempt by its ids (a single GetItem), or undefined. */
async function getAttempt(
  db: Db,
  org: string,
  endpointId: string,
  msgId: string,
  attemptId: string,
): Promise<AttemptRecord | undefined> {
  const plan = await shardPlanOf(db, org);
  const item = await getItem(db, keys.log(org, endpointId, msgId, attemptId, plan), { consistent: false });
  return item?.attempt ? toAttempt(item) : undefined;
}

/** Which attempts the health aggregate reads (see attemptSamples); `eventTypes` as in AttemptQuery. */
interface SampleQuery {
  since: string;
  eventsSince: Date;
  maxItems: number;
  eventTypes?: readonly string[];
}

/** What the health aggregate reads of an attempt (a projection: the rest never leaves DynamoDB). */
export interface AttemptSample {
  timestamp: string;
  success: boolean;
  latency_ms: number;
}

/**
 * The endpoint's attempts made at or after `since`, for events accepted at or after
 * `eventsSince` (its log is ordered by event, not by attempt: a retry sits with its event).
 * Queries every shard newest event first and stops after reading `maxItems` items in all
 * (`truncated` then: the oldest events of the window are left out). Queries, never a scan.
 */
async function attemptSamples(
  db: Db,
  org: string,
  endpointId: string,
  q: SampleQuery,
): Promise<{ samples: AttemptSample[]; truncated: boolean }> {
  const from = `msg_${encodeTime(q.eventsSince.getTime(), 10)}`;
  const types = typeCondition(q.eventTypes);
  const all = shardsUpTo(await shardPlanOf(db, org));
  const perShard = Math.ceil(q.maxItems / all.length);
  let truncated = false;
  const shards = await Promise.all(
    all.map(async (shard) => {
      const out: AttemptSample[] = [];
      let read = 0;
      const pages = queryPages(db, () => ({
        KeyConditionExpression: "pk = :pk AND sk >= :from",
        FilterExpression: ["attribute_exists(#a) AND #a.#ts >= :since", ...types.conditions].join(" AND "),
        ProjectionExpression: "#a.#ts, #a.success, #a.latency_ms",
        ExpressionAttributeNames: { "#a": "attempt", "#ts": "timestamp" },
        ExpressionAttributeValues: {
          ":pk": keys.logPartition(org, endpointId, shard),
          ":from": from,
          ":since": q.since,
          ...types.values,
        },
        ScanIndexForward: false,
        Limit: perShard - read,
      }));
      for await (const res of pages) {
        for (const item of res.Items ?? []) {
          const a = field.map(item, "attempt");
          out.push({
            timestamp: field.str(a, "timestamp"),
            success: a.success === true,
            latency_ms: field.num(a, "latency_ms"),
          });
        }
        read += res.ScannedCount ?? 0;
        if (res.LastEvaluatedKey && read >= perShard) {
          truncated = true;
          break;
        }
      }
      return out;
    }),
  );
  return { samples: shards.flat(), truncated };
}

/** The attempt log as the delivery services read it (core/delivery/attempt-log.ts). */
export interface AttemptStore {
  /** Attempts of one endpoint: newest event first, each event's attempts newest first. */
  ofEndpoint(org: string, endpointId: string, q: AttemptQuery): Promise<AttemptPage>;
  /** Attempts of one event at `endpointIds` (default: the endpoints it went to), newest first. */
  ofMessage(org: string, msgId: string, q: AttemptQuery, endpointIds?: string[]): Promise<AttemptPage>;
  /** One attempt by its ids, or undefined. */
  get(
    org: string,
    ids: { endpointId: string; msgId: string; attemptId: string },
  ): Promise<AttemptRecord | undefined>;
  /** The endpoint's attempts for the health aggregate (see attemptSamples). */
  samples(
    org: string,
    endpointId: string,
    q: SampleQuery,
  ): Promise<{ samples: AttemptSample[]; truncated: boolean }>;
}

export function attemptStore(db: Db): AttemptStore {
  return {
    ofEndpoint: (org, endpointId, q) => attemptsOfEndpoint(db, org, endpointId, q),
    ofMessage: (org, msgId, q, endpointIds) => attemptsOfMessage(db, org, msgId, q, endpointIds),
    get: (org, { endpointId, msgId, attemptId }) => getAttempt(db, org, endpointId, msgId, attemptId),
    samples: (org, endpointId, q) => attemptSamples(db, org, endpointId, q),
  };
}
