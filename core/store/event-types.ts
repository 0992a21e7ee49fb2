/** Custom event types of an organization (ORG#{org} / ETYPE#{name}). */
import { PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { EventTypeDef } from "../events/default-catalog.js";
import type { Db } from "./db.js";
import { keys } from "./keys.js";

export interface StoredEventType extends EventTypeDef {
  created_at: string;
}

/** Adds a type; returns false when the organization already has one by that name. */
export async function putEventType(db: Db, org: string, def: StoredEventType): Promise<boolean> {
  try {
    await db.doc.send(
      new PutCommand({
        TableName: db.table,
        Item: { ...keys.eventType(org, def.name), ...def },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === "ConditionalCheckFailedException") return false;
    throw err;
  }
}

export async function listEventTypes(db: Db, org: string): Promise<StoredEventType[]> {
  const out: StoredEventType[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await db.doc.send(
      new QueryCommand({
        TableName: db.table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :sk)",
        ExpressionAttributeValues: { ":pk": keys.org(org).pk, ":sk": keys.eventTypePrefix },
        ExclusiveStartKey: start,
      }),
    );
    for (const { pk: _pk, sk: _sk, ...rest } of res.Items ?? []) out.push(rest as StoredEventType);
    start = res.LastEvaluatedKey;
  } while (start);
  return out;
}
