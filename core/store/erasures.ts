/**
 * What an erasure (core/erasure, docs/data.md) reads and writes: the subject index (the
 * message items' sparse GSI2 keys `SUBJ#{org}#{digest}` / `{msgId}`), the message item stripped
 * of its payload, the attempts' stored response bodies, and the erasure's audit item
 * (`ORG#{org}` / `ERASURE#{id}`).
 */
import { PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { CursorKey, ErasureRecord, Page } from "../model/index.js";
import { getItem } from "./item.js";
import { keys } from "./keys.js";
import { queryAllWithPrefix, queryPageWithPrefix } from "./query.js";
import { shardPlanOf } from "./shard-plans.js";
import type { Db } from "./table.js";

/** One page of a subject's messages (ids), oldest first, from after `cursor` (a msg id). */
async function subjectPage(
  db: Db,
  org: string,
  digest: string,
  { limit, after }: { limit: number; after: string | null },
): Promise<{ ids: string[]; more: boolean }> {
  const pk = keys.subjectPk(org, digest);
  const res = await db.doc.send(
    new QueryCommand({
      TableName: db.table,
      IndexName: "GSI2",
      KeyConditionExpression: after === null ? "gsi2pk = :pk" : "gsi2pk = :pk AND gsi2sk > :after",
      ExpressionAttributeValues: { ":pk": pk, ...(after === null ? {} : { ":after": after }) },
      Limit: limit,
    }),
  );
  const ids = (res.Items ?? []).map((i) => String(i.gsi2sk));
  return { ids, more: res.LastEvaluatedKey !== undefined };
}

/**
 * Strips a message of its payload: `data` and `subject` go, and with them its subject-index
 * keys; `erased_at` is set (kept if it was already). The targets (and skipped endpoints) come
 * back, to find the attempts; `newly` is false when it had been erased before. Undefined when
 * the message is gone (TTL).
 */
async function eraseMessage(
  db: Db,
  org: string,
  msgId: string,
  at: string,
): Promise<{ endpoints: string[]; newly: boolean } | undefined> {
  try {
    const res = await db.doc.send(
      new UpdateCommand({
        TableName: db.table,
        Key: keys.message(org, msgId, await shardPlanOf(db, org)),
        UpdateExpression:
          "SET erased_at = if_not_exists(erased_at, :at) REMOVE #data, subject, gsi2pk, gsi2sk",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: { "#data": "data" },
        ExpressionAttributeValues: { ":at": at },
        ReturnValues: "ALL_OLD",
      }),
    );
    const old = res.Attributes ?? {};
    const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
    return { endpoints: [...new Set([...list(old.targets), ...list(old.skipped)])], newly: !old.erased_at };
  } catch (err) {
    if ((err as { name?: string }).name === "ConditionalCheckFailedException") return undefined;
    throw err;
  }
}

/** Removes the stored response body of every attempt of one message at one endpoint; how many. */
async function eraseResponses(db: Db, org: string, endpointId: string, msgId: string): Promise<number> {
  const { pk, prefix } = keys.logOfDelivery(org, endpointId, msgId, await shardPlanOf(db, org));
  const items = await queryAllWithPrefix(db, pk, prefix, { consistent: true });
  // The attempt's fields are a map on the log item (deliveries.ts attemptFields).
  const withBody = items.filter((i) => {
    const a = i.attempt as { response_body?: unknown } | undefined;
    return a?.response_body !== undefined && a.response_body !== null;
  });
  for (const item of withBody) {
    await db.doc.send(
      new UpdateCommand({
        TableName: db.table,
        Key: { pk: item.pk, sk: item.sk },
        UpdateExpression: "REMOVE #a.response_body",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: { "#a": "attempt" },
      }),
    );
  }
  return withBody.length;
}

function toErasure(item: Record<string, unknown>): ErasureRecord {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as unknown as ErasureRecord;
}

/** The erasure service's part of the table (core/erasure). */
export interface ErasureStore {
  /** A page of the messages indexed under a subject's digest, after the message id `after`. */
  subjectPage(
    org: string,
    digest: string,
    q: { limit: number; after: string | null },
  ): Promise<{ ids: string[]; more: boolean }>;
  eraseMessage(org: string, msgId: string, at: string): ReturnType<typeof eraseMessage>;
  eraseResponses(org: string, endpointId: string, msgId: string): Promise<number>;
  putRecord(r: ErasureRecord): Promise<void>;
  getRecord(org: string, id: string): Promise<ErasureRecord | undefined>;
  listRecords(org: string, q: { limit: number; cursor?: CursorKey }): Promise<Page<ErasureRecord>>;
  /** Adds what a step erased to the record's counts. */
  addCounts(org: string, id: string, n: { erased: number; responses: number }): Promise<void>;
  finish(org: string, id: string, status: "succeeded" | "failed", at: string): Promise<void>;
}

export function erasureStore(db: Db): ErasureStore {
  return {
    subjectPage: (org, digest, q) => subjectPage(db, org, digest, q),
    eraseMessage: (org, msgId, at) => eraseMessage(db, org, msgId, at),
    eraseResponses: (org, endpointId, msgId) => eraseResponses(db, org, endpointId, msgId),
    putRecord: async (r) => {
      await db.doc.send(
        new PutCommand({ TableName: db.table, Item: { ...keys.erasure(r.org_id, r.id), ...r } }),
      );
    },
    getRecord: async (org, id) => {
      const item = await getItem(db, keys.erasure(org, id));
      return item ? toErasure(item) : undefined;
    },
    listRecords: async (org, { limit, cursor }) => {
      const pk = keys.org(org).pk;
      const page = await queryPageWithPrefix(db, pk, keys.erasurePrefix, { limit, cursor }, toErasure);
      return { items: page.items, last: page.last as CursorKey | undefined };
    },
    addCounts: async (org, id, n) => {
      await db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: keys.erasure(org, id),
          UpdateExpression: "ADD erased :e, responses_erased :r",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeValues: { ":e": n.erased, ":r": n.responses },
        }),
      );
    },
    finish: async (org, id, status, at) => {
      await db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: keys.erasure(org, id),
          UpdateExpression: "SET #s = :s, finished_at = :at",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: { ":s": status, ":at": at },
        }),
      );
    },
  };
}
