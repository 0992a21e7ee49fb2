/**
 * API keys: a listing item under the organization (ORG#{org} / APIKEY#{id}) and a lookup
 * item by hash (APIKEY#{sha256} / APIKEY), always written and removed together in one
 * transaction so a key is either fully usable or not at all. Only hashes are stored.
 */
import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { ApiKeyRecord, CursorKey, Role } from "../model/index.js";
import { getItem } from "./item.js";
import { keys } from "./keys.js";
import { putNewUnlessOrgDeleted } from "./org-tombstone.js";
import { queryPageWithPrefix } from "./query.js";
import type { Db } from "./table.js";

/**
 * What the lookup-by-hash item holds: enough to authenticate without a second read (the key's
 * mode is its raw prefix, `sk_test_…` / `sk_live_…`, so it is not stored here).
 */
export interface ApiKeyLookup {
  org_id: string;
  key_id: string;
  role: Role;
  key_hash: string;
  /** Set on revocation; the item stays so a revoked key can never be registered again. */
  revoked_at?: string;
}

function strip(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest;
}

/**
 * Writes both items; returns false when a key with that hash already exists, 404 when the
 * organization is deleted (its tombstone, org-tombstone.ts).
 */
async function putApiKey(db: Db, rec: ApiKeyRecord): Promise<boolean> {
  const lookup: ApiKeyLookup = { org_id: rec.org_id, key_id: rec.id, role: rec.role, key_hash: rec.key_hash };
  return putNewUnlessOrgDeleted(db, rec.org_id, [
    { ...keys.apiKeyByHash(rec.key_hash), ...lookup },
    { ...keys.apiKey(rec.org_id, rec.id), ...rec },
  ]);
}

async function getApiKeyByHash(db: Db, hash: string): Promise<ApiKeyLookup | undefined> {
  const item = await getItem(db, keys.apiKeyByHash(hash));
  return item ? (strip(item) as unknown as ApiKeyLookup) : undefined;
}

async function getApiKey(db: Db, org: string, id: string): Promise<ApiKeyRecord | undefined> {
  const item = await getItem(db, keys.apiKey(org, id));
  return item ? (strip(item) as unknown as ApiKeyRecord) : undefined;
}

/**
 * Marks both items revoked. The lookup item is kept (not deleted) so that re-running a
 * bootstrap with a revoked key cannot bring it back.
 */
async function revokeApiKey(db: Db, rec: ApiKeyRecord, at: string): Promise<void> {
  await db.doc.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: db.table,
            Key: keys.apiKeyByHash(rec.key_hash),
            UpdateExpression: "SET revoked_at = :at",
            ConditionExpression: "attribute_exists(pk)",
            ExpressionAttributeValues: { ":at": at },
          },
        },
        {
          Update: {
            TableName: db.table,
            Key: keys.apiKey(rec.org_id, rec.id),
            UpdateExpression: "SET revoked_at = :at",
            ConditionExpression: "attribute_exists(pk)",
            ExpressionAttributeValues: { ":at": at },
          },
        },
      ],
    }),
  );
}

/** What the API key service uses: both items of a key, written and revoked together. */
export interface ApiKeyStore {
  /** Writes both items; false when a key with that hash already exists. */
  put(rec: ApiKeyRecord): Promise<boolean>;
  getByHash(hash: string): Promise<ApiKeyLookup | undefined>;
  get(org: string, id: string): Promise<ApiKeyRecord | undefined>;
  list(
    org: string,
    page: { limit: number; cursor?: CursorKey },
  ): Promise<{ items: ApiKeyRecord[]; last?: Record<string, unknown> }>;
  revoke(rec: ApiKeyRecord, at: string): Promise<void>;
}

export function apiKeyStore(db: Db): ApiKeyStore {
  return {
    put: (rec) => putApiKey(db, rec),
    getByHash: (hash) => getApiKeyByHash(db, hash),
    get: (org, id) => getApiKey(db, org, id),
    list: (org, page) =>
      queryPageWithPrefix(
        db,
        keys.org(org).pk,
        keys.apiKeyPrefix,
        page,
        (i) => strip(i) as unknown as ApiKeyRecord,
      ),
    revoke: (rec, at) => revokeApiKey(db, rec, at),
  };
}
