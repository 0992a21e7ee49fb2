/**
 * Delivery items (DLV#{org}#{msgId} / EP#{endpointId}): the state of one message at one
 * endpoint. Recoverable states (failed, skipped, abandoned) also carry the sparse GSI1 keys,
 * so `recover` finds them per endpoint and time without scanning.
 */
import { PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
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
