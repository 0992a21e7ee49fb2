/**
 * Attempt items (ATT#{org}#{endpointId} / {attemptId}, GSI2 MSGATT#{org}#{msgId} / {attemptId}):
 * the log of every HTTP attempt, listed per endpoint or per message, newest first.
 * Written in batches by the delivery engine (core/store/batch-write.ts).
 */
import type { QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import type { AttemptRecord } from "../model/delivery.js";
import { type CursorKey, cursorWithin } from "./cursor.js";
import type { Db } from "./db.js";
import { keys } from "./keys.js";
import { queryFilledPage, tableKeyOf } from "./query.js";

export function attemptItem(record: AttemptRecord, expiresAt: number): Record<string, unknown> {
  return {
    ...keys.attempt(record.org_id, record.endpoint_id, record.id),
    ...keys.attemptOfMessage(record.org_id, record.msg_id, record.id),
    ...record,
    expires_at: expiresAt,
  };
}

function toAttempt(item: Record<string, unknown>): AttemptRecord {
  const { pk: _pk, sk: _sk, gsi2pk: _g, gsi2sk: _s, expires_at: _e, ...rest } = item;
  return rest as AttemptRecord;
}

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

export function attemptsOfEndpoint(db: Db, org: string, endpointId: string, q: AttemptQuery) {
  const pk = keys.attemptsOfEndpoint(org, endpointId);
  return queryAttempts(
    db,
    { KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": pk } },
    cursorWithin(q.cursor, { pk }, { sk: "" }),
    q,
    tableKeyOf,
  );
}

export function attemptsOfMessage(db: Db, org: string, msgId: string, q: AttemptQuery) {
  const gsi2pk = keys.attemptsOfMessage(org, msgId);
  return queryAttempts(
    db,
    {
      IndexName: "GSI2",
      KeyConditionExpression: "gsi2pk = :pk",
      ExpressionAttributeValues: { ":pk": gsi2pk },
    },
    cursorWithin(q.cursor, { gsi2pk }, { gsi2sk: "", pk: `ATT#${org}#`, sk: "" }),
    q,
    (item) => ({
      gsi2pk: String(item.gsi2pk),
      gsi2sk: String(item.gsi2sk),
      pk: String(item.pk),
      sk: String(item.sk),
    }),
  );
}

/** Newest first; a status filter is a FilterExpression, so core/store/query.ts fills the page. */
async function queryAttempts(
  db: Db,
  base: Pick<QueryCommandInput, "IndexName" | "KeyConditionExpression" | "ExpressionAttributeValues">,
  start: CursorKey | undefined,
  q: AttemptQuery,
  keyOf: (item: Record<string, unknown>) => CursorKey,
): Promise<AttemptPage> {
  const page = await queryFilledPage(
    db,
    {
      ...base,
      ...(q.success === undefined
        ? {}
        : {
            FilterExpression: "success = :ok",
            ExpressionAttributeValues: { ...base.ExpressionAttributeValues, ":ok": q.success },
          }),
      ScanIndexForward: false,
    },
    q.limit,
    start,
    keyOf,
  );
  return { attempts: page.items.map(toAttempt), next: page.last };
}
