/**
 * Endpoint handles: the other names an endpoint answers to in the API profiles that document
 * integer ids or UUIDs (docs/seeds.md). An endpoint's `number` comes from a per-organization
 * sequence on the organization item (`endpoint_seq`, one atomic ADD), its `uuid` is random, and
 * both are stored on the endpoint item itself, so they go with it when it is deleted by any
 * route. `org_number` numbers organizations (a platform-wide sequence), for the profiles whose
 * answers carry an integer owner id.
 */
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { EndpointHandles, EndpointRecord } from "../model/index.js";
import { getEndpoint } from "./endpoints.js";
import { getItem, updateIf } from "./item.js";
import { keys } from "./keys.js";
import type { Db } from "./table.js";

/** The platform-wide sequence of organization numbers. */
const ORG_SEQUENCE = { pk: "SEQ#ORG", sk: "SEQ" };

/** The next value of the counter `attr` on the item `key` (1, 2, …), allocated atomically. */
async function next(db: Db, key: { pk: string; sk: string }, attr: string): Promise<number> {
  const res = await db.doc.send(
    new UpdateCommand({
      TableName: db.table,
      Key: key,
      UpdateExpression: "ADD #n :one",
      ExpressionAttributeNames: { "#n": attr },
      ExpressionAttributeValues: { ":one": 1 },
      ReturnValues: "ALL_NEW",
    }),
  );
  return Number(res.Attributes?.[attr]);
}

/** The organization's number, allocated on first use (a lost race keeps the first one set). */
async function orgNumber(db: Db, org: string): Promise<number> {
  const stored = (await getItem(db, keys.org(org)))?.org_number;
  if (typeof stored === "number") return stored;
  const n = await next(db, ORG_SEQUENCE, "n");
  await updateIf(db, {
    Key: keys.org(org),
    UpdateExpression: "SET org_number = :n",
    ConditionExpression: "attribute_not_exists(org_number)",
    ExpressionAttributeValues: { ":n": n },
  });
  return Number((await getItem(db, keys.org(org)))?.org_number);
}

/**
 * Stores the handles on the endpoint unless it has them already (a concurrent caller's win);
 * answers the record as stored, or undefined when the endpoint is gone.
 */
async function assign(db: Db, org: string, id: string, handles: EndpointHandles) {
  await updateIf(db, {
    Key: keys.endpoint(org, id),
    UpdateExpression: "SET #num = :num, #uuid = :uuid, org_number = :org",
    ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(#uuid)",
    ExpressionAttributeNames: { "#num": "number", "#uuid": "uuid" },
    ExpressionAttributeValues: { ":num": handles.number, ":uuid": handles.uuid, ":org": handles.org_number },
  });
  return getEndpoint(db, org, id);
}

/** What core/endpoints/handles.ts uses. */
export interface EndpointHandleStore {
  /** The organization's next endpoint number (1, 2, …; a number is never given twice). */
  nextNumber(org: string): Promise<number>;
  orgNumber(org: string): Promise<number>;
  assign(org: string, id: string, handles: EndpointHandles): Promise<EndpointRecord | undefined>;
}

export function endpointHandleStore(db: Db): EndpointHandleStore {
  return {
    nextNumber: (org) => next(db, keys.org(org), "endpoint_seq"),
    orgNumber: (org) => orgNumber(db, org),
    assign: (org, id, handles) => assign(db, org, id, handles),
  };
}
