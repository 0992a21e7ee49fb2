/**
 * Endpoint items (ORG#{org} / EP#{id}): reads used by every function, and the writes of
 * the endpoints service. Creates and deletes move the organization item's
 * `endpoint_count` in the same transaction, which is what makes the per-org limit hold
 * under concurrent creates.
 */
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { logger } from "../log/index.js";
import type { CursorKey, EndpointRecord } from "../model/index.js";
import { getItem, updateReturning } from "./item.js";
import { keys } from "./keys.js";
import { queryAllWithPrefix, queryPageWithPrefix } from "./query.js";
import {
  askResumeLease,
  coverResumeLease,
  type LeaseRefused,
  type ResumeLease,
  releaseResumeLease,
  takeResumeLease,
} from "./resume-lease.js";
import { type RotationWrite, rotateSealed } from "./rotation.js";
import { SecretUnreadableError } from "./secrets-at-rest.js";
import type { Db } from "./table.js";
import { transactUnlessFirstFails } from "./transact.js";

/**
 * Strips the key attributes so callers only see the record. Its secrets stay as stored
 * (sealed): for readers that never sign (health bookkeeping); `openEndpoint` decrypts.
 */
export function toEndpoint(item: Record<string, unknown>): EndpointRecord {
  const { pk: _pk, sk: _sk, ...rest } = item;
  // Items under an endpoint key are only ever written whole by this module (putEndpoint).
  return rest as unknown as EndpointRecord;
}

/**
 * The record with its secrets decrypted (core/store/secrets-at-rest.ts): what every read
 * returns. An endpoint whose secret no longer decrypts (its organization's data key was
 * deleted: a leftover of a deleted organization, docs/security.md) reads as absent, never as
 * an error: undefined, logged.
 */
async function openEndpoint(db: Db, item: Record<string, unknown>): Promise<EndpointRecord | undefined> {
  const rec = toEndpoint(item);
  const open = (sealed: string) => db.secrets.decrypt(rec.org_id, sealed);
  try {
    const earlier = rec.earlier_secrets ?? [];
    return {
      ...rec,
      secret: await open(rec.secret),
      previous_secret: rec.previous_secret ? await open(rec.previous_secret) : null,
      headers: await openHeaders(rec.headers ?? {}, open),
      ...(earlier.length > 0 && {
        earlier_secrets: await Promise.all(
          earlier.map(async (k) => ({ ...k, secret: await open(k.secret) })),
        ),
      }),
    };
  } catch (err) {
    if (!(err instanceof SecretUnreadableError)) throw err;
    logger.warn("endpoint secret unreadable; endpoint skipped", { org_id: rec.org_id, endpoint_id: rec.id });
    return undefined;
  }
}

/**
 * Custom header values as stored: sealed like secrets (an `authorization` header is a
 * credential; names stay readable). A value stored before sealing is read as it is.
 */
async function sealHeaders(db: Db, org: string, headers: Record<string, string>) {
  const sealed = await Promise.all(
    Object.entries(headers).map(async ([name, value]) => [name, await db.secrets.encrypt(org, value)]),
  );
  return Object.fromEntries(sealed) as Record<string, string>;
}

async function openHeaders(headers: Record<string, string>, open: (sealed: string) => Promise<string>) {
  const opened = await Promise.all(Object.entries(headers).map(async ([k, v]) => [k, await open(v)]));
  return Object.fromEntries(opened) as Record<string, string>;
}

const readable = (recs: (EndpointRecord | undefined)[]) => recs.filter((r) => r !== undefined);

export async function getEndpoint(
  db: Db,
  org: string,
  id: string,
  opts: { consistent?: boolean } = {},
): Promise<EndpointRecord | undefined> {
  const item = await getItem(db, keys.endpoint(org, id), opts);
  return item ? openEndpoint(db, item) : undefined;
}

/** Every endpoint of an organization (at most a few dozen: the per-org limit), oldest first. */
export async function listAllEndpoints(
  db: Db,
  org: string,
  opts: { consistent?: boolean } = {},
): Promise<EndpointRecord[]> {
  const items = await queryAllWithPrefix(db, keys.org(org).pk, keys.endpointPrefix, opts);
  return readable(await Promise.all(items.map((item) => openEndpoint(db, item))));
}

/** What an insert came to: created, refused at the per-organization limit, or refused because the organization is deleted. */
export type InsertOutcome = "created" | "limit" | "org_deleted";

/**
 * Stores a new endpoint unless the organization already has `max` or is deleted (its
 * tombstone, core/store/org-tombstone.ts). The counter lives on the organization item
 * (created if missing).
 */
async function insertEndpoint(db: Db, rec: EndpointRecord, max: number): Promise<InsertOutcome> {
  const { earlier_secrets: _none, ...fields } = rec; // a new endpoint has retired no key
  const sealed = {
    ...fields,
    secret: await db.secrets.encrypt(rec.org_id, rec.secret),
    previous_secret: null,
    headers: await sealHeaders(db, rec.org_id, rec.headers),
  };
  const ok = await transactUnlessFirstFails(db, () => [
    {
      Update: {
        TableName: db.table,
        Key: keys.org(rec.org_id),
        UpdateExpression:
          "SET endpoint_count = if_not_exists(endpoint_count, :zero) + :one ADD endpoints_version :one",
        ConditionExpression:
          "(attribute_not_exists(endpoint_count) OR endpoint_count < :max) AND attribute_not_exists(deleted_at)",
        ExpressionAttributeValues: { ":zero": 0, ":one": 1, ":max": max },
      },
    },
    {
      Put: {
        TableName: db.table,
        Item: { ...keys.endpoint(rec.org_id, rec.id), ...sealed },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    },
  ]);
  if (ok) return "created";
  // Refused on the organization item: which of its two conditions (a rare path, one read).
  if (!(await getItem(db, keys.org(rec.org_id)))?.deleted_at) return "limit";
  // The encryption above may have made the deleted organization a new data key: forget it again.
  await db.secrets.forgetOrganization(rec.org_id);
  return "org_deleted";
}

/** Deletes an endpoint and decrements the counter; false when it does not exist. */
async function removeEndpoint(db: Db, org: string, id: string): Promise<boolean> {
  return transactUnlessFirstFails(db, () => [
    {
      Delete: {
        TableName: db.table,
        Key: keys.endpoint(org, id),
        ConditionExpression: "attribute_exists(pk)",
      },
    },
    {
      Update: {
        TableName: db.table,
        Key: keys.org(org),
        UpdateExpression:
          "SET endpoint_count = if_not_exists(endpoint_count, :one) - :one ADD endpoints_version :one",
        ExpressionAttributeValues: { ":one": 1 },
      },
    },
  ]);
}

/**
 * Sets only the given attributes, so concurrent health updates by the delivery function
 * (consecutive_failures, last_error, …) are not overwritten. Undefined when it does not exist.
 */
export async function patchEndpoint(
  db: Db,
  org: string,
  id: string,
  patch: Partial<EndpointRecord>,
): Promise<EndpointRecord | undefined> {
  const set = patch.headers ? { ...patch, headers: await sealHeaders(db, org, patch.headers) } : patch;
  const entries = Object.entries(set).filter(([k, v]) => v !== undefined && k !== "org_id" && k !== "id");
  if (entries.length === 0) return getEndpoint(db, org, id);
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const parts = entries.map(([k, v], i) => {
    names[`#a${i}`] = k;
    values[`:v${i}`] = v;
    return `#a${i} = :v${i}`;
  });
  const item = await updateReturning(db, {
    Key: keys.endpoint(org, id),
    UpdateExpression: `SET ${parts.join(", ")}`,
    ConditionExpression: "attribute_exists(pk)",
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  });
  if (!item) return undefined;
  await bumpEndpointsVersion(db, org);
  return openEndpoint(db, item);
}

/**
 * Moves the organization's `endpoints_version` (on its item, ORG#{org} / ORG), after a write
 * that changes what ingest matches on (settings, status, an endpoint added or removed: the
 * latter two in their transaction). Ingest keeps an organization's endpoint list while the
 * version stays (core/endpoints/directory.ts); a bump that fails throws, so the caller's
 * request fails and is retried rather than the change going unseen.
 */
export async function bumpEndpointsVersion(db: Db, org: string): Promise<void> {
  await db.doc.send(
    new UpdateCommand({
      TableName: db.table,
      Key: keys.org(org),
      UpdateExpression: "ADD endpoints_version :one",
      ExpressionAttributeValues: { ":one": 1 },
    }),
  );
}

/** What the endpoint services and the endpoint directory use of the endpoint items. */
export interface EndpointStore {
  /**
   * One endpoint, read now (secrets opened); undefined when it does not exist. Strongly
   * consistent unless `consistent: false` (half the read units: the directory's cached reads).
   */
  get(org: string, id: string, opts?: { consistent?: boolean }): Promise<EndpointRecord | undefined>;
  /** Every endpoint of the organization, oldest first (eventually consistent unless asked). */
  listAll(org: string, opts?: { consistent?: boolean }): Promise<EndpointRecord[]>;
  list(
    org: string,
    page: { limit: number; cursor?: CursorKey },
  ): Promise<{ items: EndpointRecord[]; last?: Record<string, unknown> }>;
  /** Creates it unless the organization has `max` endpoints already or is deleted. */
  insert(rec: EndpointRecord, opts: { max: number }): Promise<InsertOutcome>;
  /** False when it does not exist. */
  remove(org: string, id: string): Promise<boolean>;
  /** Sets only the given attributes; undefined when it does not exist. */
  patch(org: string, id: string, set: Partial<EndpointRecord>): Promise<EndpointRecord | undefined>;
  /**
   * A new signing secret; the current one signs too until `previousUntil` (null: every retired
   * key is dropped at once). `{ full }`: MAX_RETIRED_SECRETS keys still sign, the first until `full`.
   */
  replaceSecret(
    org: string,
    id: string,
    next: RotationWrite,
  ): Promise<EndpointRecord | { full: string } | undefined>;
  /** One resume run at a time per endpoint (core/store/resume-lease.ts): true, or why not. */
  takeResumeLease(
    lease: ResumeLease,
    at: { now: number; until: number; run?: number },
  ): Promise<true | LeaseRefused>;
  /** Ends the holder's lease; `asked`: a run refused meanwhile asked it to cover its cause. */
  releaseResumeLease(lease: ResumeLease, now: number): Promise<{ asked: boolean }>;
  /** Asks the running holder to cover a refused run: false when it has ended. */
  askResumeLease(lease: ResumeLease): Promise<boolean>;
  /** The holder's next run (epoch ms) covers the runs due before it. */
  coverResumeLease(lease: ResumeLease, at: number): Promise<void>;
}

export function endpointStore(db: Db): EndpointStore {
  return {
    get: (org, id, opts) => getEndpoint(db, org, id, opts),
    listAll: (org, opts) => listAllEndpoints(db, org, opts),
    list: (org, page) =>
      queryPageWithPrefix(db, keys.org(org).pk, keys.endpointPrefix, page, (item) =>
        openEndpoint(db, item),
      ).then((p) => ({ ...p, items: readable(p.items) })),
    insert: (rec, opts) => insertEndpoint(db, rec, opts.max),
    remove: (org, id) => removeEndpoint(db, org, id),
    patch: (org, id, set) => patchEndpoint(db, org, id, set),
    replaceSecret: async (org, id, next) => {
      const rotated = await rotateSealed(db, org, id, next);
      return rotated && "item" in rotated ? openEndpoint(db, rotated.item) : rotated;
    },
    takeResumeLease: (lease, at) => takeResumeLease(db, lease, at),
    releaseResumeLease: (lease, now) => releaseResumeLease(db, lease, now),
    askResumeLease: (lease) => askResumeLease(db, lease),
    coverResumeLease: (lease, at) => coverResumeLease(db, lease, at),
  };
}
