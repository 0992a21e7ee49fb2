/** API key management and authentication (the service behind /v1/api-keys and the auth middleware). */
import { timingSafeEqual } from "node:crypto";
import type { Uses } from "../deps.js";
import {
  type ApiKeyRecord,
  type CursorKey,
  type KeyMode,
  newId,
  notFound,
  type Principal,
  type Role,
  ServiceError,
} from "../model/index.js";
import { API_KEY_PATTERN, displayPrefix, generateApiKey, hashApiKey, modeOf } from "./keys.js";

const unauthorized = (message: string) => new ServiceError(401, "unauthorized", message);

/** Resolves a raw key to its principal; 401 for malformed, unknown and revoked keys alike. */
export async function authenticate(deps: Uses<"apiKeyStore" | "config">, raw: string): Promise<Principal> {
  if (!API_KEY_PATTERN.test(raw)) throw unauthorized("malformed API key");
  const hash = hashApiKey(raw, deps.config.apiKeyPepper);
  const found = await deps.apiKeyStore.getByHash(hash);
  // The lookup is by hash already; the constant-time compare keeps this path free of
  // early-exit string comparisons should the lookup ever become a prefix scan.
  const ok =
    found !== undefined &&
    found.key_hash.length === hash.length &&
    timingSafeEqual(Buffer.from(found.key_hash, "hex"), Buffer.from(hash, "hex"));
  if (!found || !ok || found.revoked_at) throw unauthorized("unknown or revoked API key");
  // The mode is the raw key's prefix (what createApiKey stored as the record's mode): not stored twice.
  return { orgId: found.org_id, keyId: found.key_id, role: found.role, mode: modeOf(raw) };
}

export interface ApiKeyInfo {
  id: string;
  name: string | null;
  role: Role;
  mode: KeyMode;
  prefix: string;
  created_at: string;
  revoked_at: string | null;
}

export function toApiKeyInfo(rec: ApiKeyRecord): ApiKeyInfo {
  return {
    id: rec.id,
    name: rec.name,
    role: rec.role,
    mode: rec.mode,
    prefix: rec.prefix,
    created_at: rec.created_at,
    revoked_at: rec.revoked_at,
  };
}

export interface CreateKeyInput {
  name?: string | null;
  role: Role;
  mode?: KeyMode;
  /** An operator-chosen raw key (bootstrap); generated when absent. */
  raw?: string;
}

/** Creates a key; the raw key is returned here once and never stored. */
export async function createApiKey(
  deps: Uses<"apiKeyStore" | "config" | "now">,
  orgId: string,
  input: CreateKeyInput,
): Promise<{ key: ApiKeyInfo; raw: string }> {
  const raw = input.raw ?? generateApiKey(input.mode ?? "live");
  if (!API_KEY_PATTERN.test(raw)) {
    throw new ServiceError(
      400,
      "validation_error",
      "API key must be sk_live_… or sk_test_… (20+ characters)",
    );
  }
  const now = deps.now();
  const rec: ApiKeyRecord = {
    org_id: orgId,
    id: newId("key", now),
    name: input.name ?? null,
    role: input.role,
    mode: modeOf(raw),
    prefix: displayPrefix(raw),
    key_hash: hashApiKey(raw, deps.config.apiKeyPepper),
    created_at: now.toISOString(),
    revoked_at: null,
  };
  if (!(await deps.apiKeyStore.put(rec))) throw new ServiceError(409, "conflict", "API key already exists");
  return { key: toApiKeyInfo(rec), raw };
}

/** The key's listing record when `raw` is already registered (for idempotent bootstrap). */
export async function findApiKey(
  deps: Uses<"apiKeyStore" | "config">,
  raw: string,
): Promise<ApiKeyRecord | undefined> {
  if (!API_KEY_PATTERN.test(raw)) return undefined;
  const found = await deps.apiKeyStore.getByHash(hashApiKey(raw, deps.config.apiKeyPepper));
  return found ? deps.apiKeyStore.get(found.org_id, found.key_id) : undefined;
}

export async function listKeys(deps: Uses<"apiKeyStore">, orgId: string, limit: number, cursor?: CursorKey) {
  const { items, last } = await deps.apiKeyStore.list(orgId, { limit, cursor });
  return { keys: items.map(toApiKeyInfo), last };
}

/** Revokes a key (idempotent); 404 for ids of other organizations. */
export async function revokeKey(
  deps: Uses<"apiKeyStore" | "now">,
  orgId: string,
  keyId: string,
): Promise<void> {
  const rec = await deps.apiKeyStore.get(orgId, keyId);
  if (!rec) throw notFound("API key");
  if (rec.revoked_at) return;
  await deps.apiKeyStore.revoke(rec, deps.now().toISOString());
}
