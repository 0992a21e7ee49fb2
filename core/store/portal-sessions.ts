/**
 * Portal session items (ORG#{org} / PSESS#{id}): written when a session is created, marked
 * on revocation, read on every request a session token makes (the token itself proves
 * everything else). The table's TTL removes them once the token has expired anyway.
 */
import { getItem, updateExisting } from "./item.js";
import { keys } from "./keys.js";
import { putNewUnlessOrgDeleted } from "./org-tombstone.js";
import type { Db } from "./table.js";

export interface PortalSessionRecord {
  org_id: string;
  id: string;
  agent_id: string | null;
  capabilities: string[];
  event_types: string[] | null;
  return_url: string | null;
  created_at: string;
  /** ISO time; the TTL attribute `expires_at` holds the same instant in epoch seconds. */
  expires: string;
  revoked_at: string | null;
}

/** Writes a new session; 404 when the organization is deleted (its tombstone, org-tombstone.ts). */
async function putPortalSession(db: Db, rec: PortalSessionRecord, ttlSeconds: number): Promise<void> {
  const item = { ...keys.portalSession(rec.org_id, rec.id), ...rec, expires_at: ttlSeconds };
  if (!(await putNewUnlessOrgDeleted(db, rec.org_id, [item])))
    throw new Error(`portal session ${rec.id} exists`);
}

async function getPortalSession(db: Db, org: string, id: string): Promise<PortalSessionRecord | undefined> {
  const item = await getItem(db, keys.portalSession(org, id), { consistent: false });
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, expires_at: _ttl, ...rest } = item;
  return rest as PortalSessionRecord;
}

/** Marks the session revoked (again: idempotent); false when it does not exist. */
async function revokePortalSession(db: Db, org: string, id: string, at: string): Promise<boolean> {
  return updateExisting(db, keys.portalSession(org, id), "SET revoked_at = :at", { ":at": at });
}

/** What the portal session service uses. */
export interface PortalSessionStore {
  /** Writes a new session; the table's TTL removes it at `ttlSeconds` (epoch seconds). */
  put(rec: PortalSessionRecord, ttlSeconds: number): Promise<void>;
  get(org: string, id: string): Promise<PortalSessionRecord | undefined>;
  /** Marks the session revoked (again: idempotent); false when it does not exist. */
  revoke(org: string, id: string, at: string): Promise<boolean>;
}

export function portalSessionStore(db: Db): PortalSessionStore {
  return {
    put: (rec, ttlSeconds) => putPortalSession(db, rec, ttlSeconds),
    get: (org, id) => getPortalSession(db, org, id),
    revoke: (org, id, at) => revokePortalSession(db, org, id, at),
  };
}
