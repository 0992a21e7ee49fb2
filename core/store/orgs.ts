/** Organization items (ORG#{org} / ORG): name, creation time and the endpoint counter. */
import type { CursorKey, OrgRecord } from "../model/index.js";
import { cursorWithin } from "./cursor.js";
import { getItem, putIfAbsent, updateExisting, updateIf } from "./item.js";
import { keys } from "./keys.js";
import { queryAllWithPrefix, queryFilledPage } from "./query.js";
import { deleteShardPlan } from "./shard-plans.js";
import type { Db } from "./table.js";

/** Creates the organization unless it exists; never touches an existing one's counter. */
async function putOrgIfAbsent(db: Db, org: Omit<OrgRecord, "endpoint_count">): Promise<boolean> {
  return putIfAbsent(db, {
    ...keys.org(org.org_id),
    ...keys.orgListing(org.created_at, org.org_id),
    ...org,
    endpoint_count: 0,
  });
}

async function getOrg(db: Db, org: string): Promise<OrgRecord | undefined> {
  const item = await getItem(db, keys.org(org));
  return item ? toOrg(item) : undefined;
}

function toOrg(item: Record<string, unknown>): OrgRecord {
  const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, ...rest } = item;
  return rest as unknown as OrgRecord;
}

/** Every organization, oldest first, a page at a time. */
async function listOrgs(
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

/**
 * The tombstone, deletion's first step: marks the organization deleted and takes it out of the
 * listing; the item stays, so its id cannot be created again, and every create checks it
 * (org-tombstone.ts). Idempotent (a DELETE that died half-way keeps the first time). False
 * when it does not exist.
 */
function markOrgDeleted(db: Db, org: string, at: string): Promise<boolean> {
  return updateExisting(
    db,
    keys.org(org),
    "SET deleted_at = if_not_exists(deleted_at, :at) REMOVE gsi1pk, gsi1sk",
    { ":at": at },
  );
}

/** Deletion's last step: everything is revoked, removed and forgotten. */
async function markOrgPurged(db: Db, org: string, at: string): Promise<void> {
  await updateExisting(db, keys.org(org), "SET purged_at = :at", { ":at": at });
}

/**
 * Sets (or, with null, removes) the organization's payload retention. False when the
 * organization has no item or is deleted.
 */
async function setOrgRetention(db: Db, org: string, days: number | null): Promise<boolean> {
  return updateIf(db, {
    Key: keys.org(org),
    UpdateExpression: days === null ? "REMOVE retention_days" : "SET retention_days = :d",
    ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(deleted_at)",
    ...(days === null ? {} : { ExpressionAttributeValues: { ":d": days } }),
  });
}

/** The ids of an organization's API keys, endpoints and portal sessions, read raw (no secret is opened). */
async function credentialIdsOf(
  db: Db,
  org: string,
): Promise<{ apiKeys: string[]; endpoints: string[]; portalSessions: string[] }> {
  const ids = async (prefix: string) =>
    (await queryAllWithPrefix(db, keys.org(org).pk, prefix, { consistent: true })).map((i) =>
      String(i.sk).slice(prefix.length),
    );
  const [apiKeys, endpoints, portalSessions] = await Promise.all([
    ids(keys.apiKeyPrefix),
    ids(keys.endpointPrefix),
    ids(keys.portalSessionPrefix),
  ]);
  return { apiKeys, endpoints, portalSessions };
}

/** What the organization services use of the organization items (and of the secrets kept for one). */
export interface OrgStore {
  /** Creates the organization unless it exists (false then); never touches an existing one's counter. */
  putIfAbsent(org: Omit<OrgRecord, "endpoint_count">): Promise<boolean>;
  get(org: string): Promise<OrgRecord | undefined>;
  list(page: {
    limit: number;
    cursor?: CursorKey;
  }): Promise<{ items: OrgRecord[]; last?: Record<string, unknown> }>;
  /** The tombstone (first step of a deletion); false when the organization does not exist. */
  markDeleted(org: string, at: string): Promise<boolean>;
  /** The last step of a deletion. */
  markPurged(org: string, at: string): Promise<void>;
  /** Sets (null: removes) the payload retention in days; false when absent or deleted. */
  setRetention(org: string, days: number | null): Promise<boolean>;
  credentialIds(org: string): ReturnType<typeof credentialIdsOf>;
  /** Deletes the organization's data key: every secret stored for it becomes unreadable. */
  forgetSecrets(org: string): Promise<void>;
  /** Deletes the organization's message shard plan (ORG#{org} / SHARDS, shard-plans.ts). */
  forgetShardPlan(org: string): Promise<void>;
}

export function orgStore(db: Db): OrgStore {
  return {
    putIfAbsent: (org) => putOrgIfAbsent(db, org),
    get: (org) => getOrg(db, org),
    list: (page) => listOrgs(db, page.limit, page.cursor),
    markDeleted: (org, at) => markOrgDeleted(db, org, at),
    markPurged: (org, at) => markOrgPurged(db, org, at),
    setRetention: (org, days) => setOrgRetention(db, org, days),
    credentialIds: (org) => credentialIdsOf(db, org),
    forgetSecrets: (org) => db.secrets.forgetOrganization(org),
    forgetShardPlan: (org) => deleteShardPlan(db, org),
  };
}
