/** Endpoint items (ORG#{org} / EP#{id}): reads used by every function. */
import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { EndpointRecord } from "../model/endpoint.js";
import type { Db } from "./db.js";
import { keys } from "./keys.js";

/** Strips the key attributes so callers only see the record. */
export function toEndpoint(item: Record<string, unknown>): EndpointRecord {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as EndpointRecord;
}

export async function getEndpoint(db: Db, org: string, id: string): Promise<EndpointRecord | undefined> {
  const res = await db.doc.send(
    new GetCommand({ TableName: db.table, Key: keys.endpoint(org, id), ConsistentRead: true }),
  );
  return res.Item ? toEndpoint(res.Item) : undefined;
}

/** Every endpoint of an organization (at most a few dozen: the per-org limit), oldest first. */
export async function listAllEndpoints(db: Db, org: string): Promise<EndpointRecord[]> {
  const out: EndpointRecord[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await db.doc.send(
      new QueryCommand({
        TableName: db.table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :sk)",
        ExpressionAttributeValues: { ":pk": keys.org(org).pk, ":sk": keys.endpointPrefix },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of res.Items ?? []) out.push(toEndpoint(item));
    start = res.LastEvaluatedKey;
  } while (start);
  return out;
}
