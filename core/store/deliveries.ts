/**
 * Delivery items (DLV#{org}#{msgId} / EP#{endpointId}): the state of one message at one
 * endpoint. Recoverable states (failed, skipped, abandoned) also carry the sparse GSI1 keys,
 * so `recover` finds them per endpoint and time without scanning.
 */
import { GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { DeliveryRecord, DeliveryStatus } from "../model/delivery.js";
import type { Db } from "./db.js";
import { keys } from "./keys.js";

const RECOVERABLE: ReadonlySet<DeliveryStatus> = new Set(["failed", "skipped", "abandoned"]);

/** The full item for a record: keys, sparse recovery index keys, TTL. */
export function deliveryItem(record: DeliveryRecord, expiresAt: number): Record<string, unknown> {
  return {
    ...keys.delivery(record.org_id, record.msg_id, record.endpoint_id),
    ...(RECOVERABLE.has(record.status)
      ? keys.recoverable(record.org_id, record.endpoint_id, record.created_at, record.msg_id)
      : {}),
    ...record,
    expires_at: expiresAt,
  };
}

export async function putDelivery(db: Db, record: DeliveryRecord, expiresAt: number): Promise<void> {
  await db.doc.send(new PutCommand({ TableName: db.table, Item: deliveryItem(record, expiresAt) }));
}

export async function deliveriesOfMessage(db: Db, org: string, msgId: string): Promise<DeliveryRecord[]> {
  const res = await db.doc.send(
    new QueryCommand({
      TableName: db.table,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": keys.deliveriesOf(org, msgId) },
    }),
  );
  return (res.Items ?? []).map(
    ({ pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _s1, expires_at: _e, ...rest }) => rest as DeliveryRecord,
  );
}

function toDelivery(item: Record<string, unknown>): DeliveryRecord {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _s1, expires_at: _e, ...rest } = item;
  return rest as DeliveryRecord;
}

export async function getDelivery(
  db: Db,
  org: string,
  msgId: string,
  endpointId: string,
): Promise<DeliveryRecord | undefined> {
  const res = await db.doc.send(
    new GetCommand({ TableName: db.table, Key: keys.delivery(org, msgId, endpointId), ConsistentRead: true }),
  );
  return res.Item ? toDelivery(res.Item) : undefined;
}

/**
 * Recoverable deliveries (failed, skipped, abandoned) of one endpoint whose message was
 * created at or after `since` (ISO, UTC), oldest first, via the sparse GSI1 index.
 */
export async function recoverableDeliveries(
  db: Db,
  org: string,
  endpointId: string,
  since: string,
  max: number,
): Promise<{ deliveries: DeliveryRecord[]; more: boolean }> {
  const out: DeliveryRecord[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await db.doc.send(
      new QueryCommand({
        TableName: db.table,
        IndexName: "GSI1",
        KeyConditionExpression: "gsi1pk = :pk AND gsi1sk >= :since",
        ExpressionAttributeValues: { ":pk": keys.recoverablePk(org, endpointId), ":since": since },
        ExclusiveStartKey: start,
        Limit: Math.min(max + 1 - out.length, 1000),
      }),
    );
    for (const item of res.Items ?? []) out.push(toDelivery(item));
    start = res.LastEvaluatedKey;
  } while (start && out.length <= max);
  return { deliveries: out.slice(0, max), more: out.length > max || start !== undefined };
}
