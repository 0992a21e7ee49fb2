/** Organization items (ORG#{org} / ORG): name, creation time and the endpoint counter. */
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionalCheckFailed } from "./conditional.js";
import { type CursorKey, cursorWithin } from "./cursor.js";
import type { Db } from "./db.js";
import { keys } from "./keys.js";
import { queryFilledPage } from "./query.js";

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
        Item: {
          ...keys.org(org.org_id),
          ...keys.orgListing(org.created_at, org.org_id),
          ...org,
          endpoint_count: 0,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    return true;
  } catch (err) {
    if (isConditionalCheckFailed(err)) return false;
    throw err;
  }
}

export async function getOrg(db: Db, org: string): Promise<OrgRecord | undefined> {
  const res = await db.doc.send(
    new GetCommand({ TableName: db.table, Key: keys.org(org), ConsistentRead: true }),
  );
  return res.Item ? toOrg(res.Item) : undefined;
}

function toOrg(item: Record<string, unknown>): OrgRecord {
  const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, ...rest } = item;
  return rest as unknown as OrgRecord;
}

/** Every organization, oldest first, a page at a time. */
export async function listOrgs(
  db: Db,
  limit: number,
  cursor: CursorKey | undefined,
): Promise<{ items: OrgRecord[]; last?: Record<string, unknown> }> {
  const page = await queryFilledPage(
    db,
    {
      IndexName: "GSI1",
      KeyConditionExpression: "gsi1pk = :pk",
      ExpressionAttributeValues: { ":pk": keys.orgListingPk },
    },
    limit,
    cursorWithin(cursor, { gsi1pk: keys.orgListingPk }, { gsi1sk: "", pk: "ORG#", sk: "ORG" }),
    (item) => ({
      gsi1pk: String(item.gsi1pk),
      gsi1sk: String(item.gsi1sk),
      pk: String(item.pk),
      sk: String(item.sk),
    }),
  );
  return { items: page.items.map(toOrg), last: page.last };
}
