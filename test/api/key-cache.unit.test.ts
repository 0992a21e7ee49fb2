/**
 * The verified-key cache (core/store/api-key-cache.ts): one read per key per 10 s and process,
 * not one per request; revocation honoured at once in the revoking process and within the
 * TTL elsewhere; unknown keys never kept; bounded memory; a flood of unknown keys does not
 * push the verified ones out.
 */
import { describe, expect, it } from "vitest";
import { authenticate } from "../../core/auth/api-keys.js";
import { hashApiKey } from "../../core/auth/keys.js";
import type { Config } from "../../core/config/runtime.js";
import type { ApiKeyRecord } from "../../core/model/principal.js";
import { cachedKeyLookups, KEY_CACHE_SECONDS } from "../../core/store/api-key-cache.js";
import type { ApiKeyLookup, ApiKeyStore } from "../../core/store/api-keys.js";

const RAW = `sk_test_${"a".repeat(32)}`;
/** The deployment's API-key pepper (core/auth/keys.ts): stored hashes are HMACs under it. */
const config = { apiKeyPepper: "p".repeat(32) } as Config;

/** An in-memory key store counting its lookups. */
function memoryStore() {
  const byHash = new Map<string, ApiKeyLookup>();
  const store = {
    reads: 0,
    add(raw: string, org = "org_a") {
      const key_hash = hashApiKey(raw, config.apiKeyPepper);
      byHash.set(key_hash, { org_id: org, key_id: `key_${byHash.size}`, role: "admin", key_hash });
      return { org_id: org, id: `key_${byHash.size - 1}`, key_hash } as ApiKeyRecord;
    },
    /** Revoked by another process: this one's cache does not hear of it. */
    revokeElsewhere(raw: string) {
      byHash.get(hashApiKey(raw, config.apiKeyPepper))!.revoked_at = "2026-01-01T00:00:00.000Z";
    },
    getByHash: async (hash: string) => {
      store.reads++;
      const found = byHash.get(hash);
      return found ? { ...found } : undefined;
    },
    revoke: async (rec: ApiKeyRecord, at: string) => {
      byHash.get(rec.key_hash)!.revoked_at = at;
    },
  };
  return store;
}

function setup(maxEntries = 3) {
  const mem = memoryStore();
  let t = Date.parse("2026-06-01T00:00:00.000Z");
  const clock = { advance: (s: number) => (t += s * 1000), now: () => new Date(t) };
  const apiKeyStore = cachedKeyLookups(mem as unknown as ApiKeyStore, { now: clock.now, maxEntries });
  return { mem, clock, deps: { apiKeyStore, config } };
}

describe("verified-key cache", () => {
  it("1,000 requests with one key read it once per 10 s", async () => {
    const { mem, clock, deps } = setup();
    mem.add(RAW);
    for (let i = 0; i < 1000; i++) await authenticate(deps, RAW);
    expect(mem.reads).toBe(1);
    clock.advance(KEY_CACHE_SECONDS);
    await authenticate(deps, RAW);
    expect(mem.reads).toBe(2);
  });

  it("a key revoked by this process is refused at once", async () => {
    const { mem, deps } = setup();
    const rec = mem.add(RAW);
    await authenticate(deps, RAW);
    await deps.apiKeyStore.revoke(rec, "2026-06-01T00:00:01.000Z");
    await expect(authenticate(deps, RAW)).rejects.toMatchObject({ status: 401 });
  });

  it("a key revoked by another process is refused within the TTL", async () => {
    const { mem, clock, deps } = setup();
    mem.add(RAW);
    await authenticate(deps, RAW);
    mem.revokeElsewhere(RAW);
    clock.advance(KEY_CACHE_SECONDS - 1);
    await expect(authenticate(deps, RAW)).resolves.toMatchObject({ orgId: "org_a" });
    clock.advance(1);
    await expect(authenticate(deps, RAW)).rejects.toMatchObject({ status: 401 });
    // A revoked key is not kept either: every later request reads it again and is refused.
    await expect(authenticate(deps, RAW)).rejects.toMatchObject({ status: 401 });
  });

  it("unknown keys are never kept, so a key created elsewhere works at once", async () => {
    const { mem, deps } = setup();
    await expect(authenticate(deps, RAW)).rejects.toMatchObject({ status: 401 });
    mem.add(RAW);
    await expect(authenticate(deps, RAW)).resolves.toMatchObject({ orgId: "org_a" });
  });

  it("keeps at most maxEntries keys, dropping the oldest", async () => {
    const { mem, deps } = setup();
    const raws = [0, 1, 2, 3].map((i) => `sk_test_${String(i).repeat(32)}`);
    for (const raw of raws) {
      mem.add(raw);
      await authenticate(deps, raw);
    }
    expect(mem.reads).toBe(4);
    await authenticate(deps, raws[3]!); // still kept
    await authenticate(deps, raws[1]!); // still kept
    expect(mem.reads).toBe(4);
    await authenticate(deps, raws[0]!); // dropped: read again
    expect(mem.reads).toBe(5);
  });

  it("a flood of unknown keys, one by one and all at once, leaves the verified keys cached", async () => {
    const { mem, deps } = setup(100);
    const good = Array.from({ length: 100 }, (_, i) => `sk_test_good${String(i).padStart(28, "0")}`);
    for (const raw of good) {
      mem.add(raw);
      await authenticate(deps, raw);
    }
    expect(mem.reads).toBe(100);
    const bad = (i: number) => `sk_live_bad${String(i).padStart(29, "0")}`;
    for (let i = 0; i < 1_000; i++)
      await expect(authenticate(deps, bad(i))).rejects.toMatchObject({ status: 401 });
    const flood = Array.from({ length: 1_000 }, (_, i) => authenticate(deps, bad(1_000 + i)));
    for (const got of await Promise.allSettled(flood)) expect(got).toMatchObject({ status: "rejected" });
    expect(mem.reads).toBe(2_100); // each unknown key read (none kept) ...
    for (const raw of good) await expect(authenticate(deps, raw)).resolves.toMatchObject({ orgId: "org_a" });
    expect(mem.reads).toBe(2_100); // ... and every verified key still served without a read
  });
});
