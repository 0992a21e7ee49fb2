/** Organization items (ORG#{org} / ORG): name, creation time and the endpoint counter. */
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Db } from "./db.js";
import { keys } from "./keys.js";

export interface OrgRecord {
  org_id: string;
  name: string;
  created_at: string;
  /** Maintained by the endpoints store in the same transaction as each create/delete. */
  endpoint_count: number;
}

/** Creates the organization unless it exists; never touches an existing one's counter. */
export async function putOrgIfAbsent(db: Db, org: Omit<OrgRecord, "endpoint_count">): Promise<boolean> {
  try {
    await db.doc.send(
      new PutCommand({
        TableName: db.table,
        Item: { ...keys.org(org.org_id), ...org, endpoint_count: 0 },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === "ConditionalCheckFailedException") return false;
    throw err;
  }
}

export async function getOrg(db: Db, org: string): Promise<OrgRecord | undefined> {
  const res = await db.doc.send(
    new GetCommand({ TableName: db.table, Key: keys.org(org), ConsistentRead: true }),
  );
  if (!res.Item) return undefined;
  const { pk: _pk, sk: _sk, ...rest } = res.Item;
  return rest as OrgRecord;
}
