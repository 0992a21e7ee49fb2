/**
 * The per-process caches are bounded (issue #25, per-instance caches): the organization cache
 * keeps at most its entries and its weight (endpoints), least recently used dropped first, and
 * the data-key cache drops one key at a time instead of forgetting every key at once.
 */
import { describe, expect, it } from "vitest";
import { orgCache, orgItemCache } from "../../core/lib/index.js";

const now = () => new Date(0);

describe("orgCache bounds", () => {
  it("keeps at most maxEntries organizations, dropping the least recently used", async () => {
    const loads: string[] = [];
    const cache = orgCache(
      async (org) => {
        loads.push(org);
        return org;
      },
      { ttlMs: 60_000, now, maxEntries: 2, maxWeight: 100 },
    );
    await cache.get("a");
    await cache.get("b");
    await cache.get("a"); // a is now the most recently used
    await cache.get("c"); // drops b
    await cache.get("a");
    await cache.get("b");
    expect(loads).toEqual(["a", "b", "c", "b"]);
  });

  it("weighs a loaded value with `weigh` and keeps the total under maxWeight", async () => {
    const loads: string[] = [];
    const cache = orgCache(
      async (org) => {
        loads.push(org);
        return Array.from({ length: org === "big" ? 8 : 3 }, (_, i) => i);
      },
      { ttlMs: 60_000, now, maxEntries: 100, maxWeight: 10 },
      (list) => list.length,
    );
    await cache.get("small");
    await cache.get("big"); // 3 + 8 > 10: small goes
    await cache.get("big");
    await cache.get("small");
    expect(loads).toEqual(["small", "big", "small"]);
  });

  it("does not keep a failed load", async () => {
    let n = 0;
    const cache = orgCache(
      async () => {
        n++;
        if (n === 1) throw new Error("boom");
        return n;
      },
      { ttlMs: 60_000, now },
    );
    await expect(cache.get("a")).rejects.toThrow("boom");
    await expect(cache.get("a")).resolves.toBe(2);
    await expect(cache.get("a")).resolves.toBe(2);
  });
});

describe("orgItemCache bounds", () => {
  it("weighs an organization by its items, keeps the total under maxWeight, and keeps no failed load", async () => {
    const loads: string[] = [];
    const cache = orgItemCache(
      async (org, id) => {
        loads.push(`${org}/${id}`);
        if (id === "bad" && loads.filter((l) => l.endsWith("bad")).length === 1) throw new Error("boom");
        return id;
      },
      { ttlMs: 60_000, now, maxEntries: 100, maxWeight: 3 },
    );
    await cache.get("a", "1");
    await cache.get("a", "2");
    await cache.get("b", "1");
    await cache.get("b", "2"); // a (2) + b (2) > 3: a goes
    await cache.get("b", "1");
    await cache.get("a", "1");
    await expect(cache.get("c", "bad")).rejects.toThrow("boom");
    await expect(cache.get("c", "bad")).resolves.toBe("bad");
    expect(loads).toEqual(["a/1", "a/2", "b/1", "b/2", "a/1", "c/bad", "c/bad"]);
  });
});

/** An item cache whose loads are recorded (`org/id`) and fail where `fails` says. */
function recordedItems(
  fails: (org: string, id: string) => boolean,
  bounds: { maxEntries: number; maxWeight: number },
) {
  const loads: string[] = [];
  const cache = orgItemCache(
    async (org, id) => {
      loads.push(`${org}/${id}`);
      if (fails(org, id)) throw new Error("boom");
      return id;
    },
    { ttlMs: 60_000, now, ...bounds },
  );
  return { loads, cache };
}

describe("orgItemCache after a failed load", () => {
  it("weighs the organization by the items it keeps: failed loads free their weight", async () => {
    const { loads, cache } = recordedItems((_, id) => id.startsWith("bad"), {
      maxEntries: 100,
      maxWeight: 2,
    });
    await cache.get("a", "1");
    await expect(cache.get("a", "bad1")).rejects.toThrow("boom");
    await expect(cache.get("a", "bad2")).rejects.toThrow("boom");
    // a keeps one item (weight 1, not the 2 it weighed while a load was out), b one: within 2,
    // so a's item is not dropped.
    await cache.get("b", "1");
    await cache.get("a", "1");
    expect(loads).toEqual(["a/1", "a/bad1", "a/bad2", "b/1"]);
  });

  it("forgets an organization none of whose loads succeeded", async () => {
    const { loads, cache } = recordedItems((org) => org === "gone", { maxEntries: 2, maxWeight: 100 });
    await cache.get("a", "1");
    await expect(cache.get("gone", "1")).rejects.toThrow("boom");
    // Two organizations at most: the failed one holds no place, so b does not push a out.
    await cache.get("b", "1");
    await cache.get("a", "1");
    expect(loads).toEqual(["a/1", "gone/1", "b/1"]);
  });
});
