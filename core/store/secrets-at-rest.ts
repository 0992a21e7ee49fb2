/**
 * Secrets at rest: what the table stores of a signing secret (and of a rotation's previous
 * one, HMAC secrets and ed25519 private keys alike) is ciphertext under a per-organization
 * data key. The data key itself is stored wrapped by the deployment's key (KMS on AWS, a key
 * file locally: core/store/key-wrap.ts) in the organization's DATAKEY item.
 *
 *   const box = createSecretsAtRest(db, wrapper);
 *   const stored = await box.encrypt(org, "whsec_…");   // "enc1:…"
 *   await box.decrypt(org, stored);                      // "whsec_…"
 *
 * The unwrapped data key is cached per process (DATA_KEY_CACHE_MS), so a warm delivery
 * function decrypts with no KMS call. Deleting the DATAKEY item (`forgetOrganization`, part
 * of deleting an organization) makes every secret stored for it unreadable, backups included.
 * Threat model: docs/security.md.
 */

import { loads } from "../lib/index.js";
import { deleteDataKey, getDataKey, putDataKeyIfAbsent } from "./data-keys.js";
import { type KeyWrapper, open, seal } from "./key-wrap.js";
import type { Db, SecretsAtRest } from "./table.js";

export const ENCRYPTED_PREFIX = "enc1:";
/**
 * How long an unwrapped data key stays in memory: one KMS call per organization per hour and
 * process. A data key never changes while its organization exists (deleting the organization
 * deletes it, and its endpoints with it), so the time bounds only how long a key deleted
 * elsewhere stays usable in a warm process. Not shorter: every delivery process meets most
 * organizations, so decrypts are processes x organizations / this time: at 10,000 events/s
 * (~700 delivery processes, 5,000 organizations) ~970 Decrypt/s with an hour, ~3,900/s with
 * the former 15 min (40 % of a 10,000/s KMS quota, ~$1.2 per million events; docs/scale.md).
 */
export const DATA_KEY_CACHE_MS = 60 * 60_000;
/**
 * Most data keys one process keeps (32 bytes each, ~200 bytes with the entry: ~2 MB), the
 * least recently used dropped first: a process that meets more organizations keeps decrypting
 * only the ones it meets least (core/lib/lru.ts), instead of forgetting every key at once.
 */
export const MAX_CACHED_KEYS = 10_000;

export class SecretUnreadableError extends Error {}

export function createSecretsAtRest(
  db: Db,
  wrapper: () => KeyWrapper,
  now = () => Date.now(),
): SecretsAtRest {
  // Concurrent misses of one organization share one read and unwrap (core/lib/loads.ts).
  const cache = loads<Buffer>({ maxEntries: MAX_CACHED_KEYS, ttlMs: DATA_KEY_CACHE_MS });

  async function loadOrCreate(org: string, create: boolean): Promise<Buffer> {
    const stored = await getDataKey(db, org);
    if (stored) return wrapper().unwrap(org, stored);
    if (!create) throw new SecretUnreadableError(`organization ${org} has no data key`);
    const fresh = await wrapper().generate(org);
    // Two writers at once: the first key stored wins and the other one is never used.
    if (await putDataKeyIfAbsent(db, org, fresh.wrapped, new Date(now()).toISOString())) return fresh.plain;
    return loadOrCreate(org, false);
  }

  function dataKey(org: string, create: boolean): Promise<Buffer> {
    return cache.get(org, now(), () => loadOrCreate(org, create));
  }

  return {
    async encrypt(org, plaintext) {
      return ENCRYPTED_PREFIX + seal(await dataKey(org, true), Buffer.from(plaintext, "utf8"), org);
    },
    async decrypt(org, stored) {
      if (!stored.startsWith(ENCRYPTED_PREFIX)) return stored;
      const key = await dataKey(org, false);
      try {
        return open(key, stored.slice(ENCRYPTED_PREFIX.length), org).toString("utf8");
      } catch {
        throw new SecretUnreadableError("a stored secret does not decrypt under its organization's key");
      }
    },
    async forgetOrganization(org) {
      await deleteDataKey(db, org);
      cache.delete(org);
    },
  };
}
