/**
 * core/lib/loads.ts: concurrent misses of one key share one load; a failed load is not kept
 * (its waiters see the error, the next get loads again); a value is fresh for ttlMs from when
 * its load started; at most maxEntries keys are kept, and loads in flight (at most maxInFlight)
 * never push a kept value out.
 */
import { expect, it } from "vitest";
import { loads } from "../../core/lib/index.js";

/** A load the test answers by hand, counting its calls. */
function gate<V>() {
  let calls = 0;
  const pending: { resolve(v: V): void; reject(e: Error): void }[] = [];
  return {
    load: () => {
      calls++;
      return new Promise<V>((resolve, reject) => pending.push({ resolve, reject }));
    },
    get calls() {
      return calls;
    },
    answer: (v: V) => pending.shift()!.resolve(v),
    fail: (e: Error) => pending.shift()!.reject(e),
  };
}

it("ten concurrent misses of one key make one load, and all get its value", async () => {
  const cache = loads<string>({ maxEntries: 10, ttlMs: 1_000 });
  const g = gate<string>();
  const gets = Array.from({ length: 10 }, () => cache.get("k", 0, g.load));
  expect(g.calls).toBe(1);
  g.answer("v");
  expect(await Promise.all(gets)).toEqual(Array(10).fill("v"));
  expect(await cache.get("k", 999, g.load)).toBe("v");
  expect(g.calls).toBe(1);
  // Stale from when the load started: the next get loads again.
  const again = cache.get("k", 1_000, g.load);
  expect(g.calls).toBe(2);
  g.answer("w");
  expect(await again).toBe("w");
});

it("a failed load is not kept: its waiters get the error, the next get loads again", async () => {
  const cache = loads<string>({ maxEntries: 10, ttlMs: 1_000 });
  const g = gate<string>();
  const gets = [cache.get("k", 0, g.load), cache.get("k", 0, g.load)];
  g.fail(new Error("throttled"));
  for (const got of await Promise.allSettled(gets)) expect(got).toMatchObject({ status: "rejected" });
  expect(cache.size).toBe(0);
  const next = cache.get("k", 1, g.load);
  expect(g.calls).toBe(2);
  g.answer("v");
  expect(await next).toBe("v");
});

it("a value `keep` refuses is shared by the concurrent gets, then not kept", async () => {
  const cache = loads<string | undefined>({ maxEntries: 10, ttlMs: 1_000, keep: (v) => v !== undefined });
  const g = gate<string | undefined>();
  const gets = [cache.get("k", 0, g.load), cache.get("k", 0, g.load)];
  g.answer(undefined);
  expect(await Promise.all(gets)).toEqual([undefined, undefined]);
  expect(cache.size).toBe(0);
});

it("keeps at most maxEntries keys, the least recently used dropped first; a set or delete wins over a load in flight", async () => {
  const cache = loads<number>({ maxEntries: 3, ttlMs: 1_000 });
  for (let i = 0; i < 100; i++) await cache.get(`k${i}`, 0, async () => i);
  expect(cache.size).toBe(3);
  let calls = 0;
  expect(await cache.get("k99", 0, async () => ++calls)).toBe(99);
  expect(await cache.get("k0", 0, async () => ++calls)).toBe(1);

  const g = gate<number>();
  const inFlight = cache.get("x", 0, g.load);
  cache.set("x", 0, 7);
  g.answer(6);
  expect(await inFlight).toBe(6);
  expect(await cache.get("x", 0, g.load)).toBe(7);
  const failing = cache.get("y", 0, g.load);
  cache.delete("y");
  cache.set("y", 0, 8);
  g.fail(new Error("late"));
  await expect(failing).rejects.toThrow("late");
  expect(await cache.get("y", 0, g.load)).toBe(8);
});

it("loads in flight take no place of the kept values, and are bounded apart", async () => {
  const cache = loads<string | undefined>({
    maxEntries: 5,
    maxInFlight: 10,
    ttlMs: 1_000,
    keep: (v) => v !== undefined,
  });
  for (let i = 0; i < 5; i++) await cache.get(`good${i}`, 0, async () => `v${i}`);
  const g = gate<string | undefined>();
  const flood = Array.from({ length: 1_000 }, (_, i) => cache.get(`bad${i}`, 1, g.load));
  expect(g.calls).toBe(1_000);
  expect(cache.inFlight).toBe(10);
  expect(cache.size).toBe(5);
  for (let i = 0; i < 1_000; i++) g.answer(undefined);
  expect(await Promise.all(flood)).toEqual(Array(1_000).fill(undefined));
  expect(cache.inFlight).toBe(0);
  expect(cache.size).toBe(5);
  let calls = 0;
  for (let i = 0; i < 5; i++) expect(await cache.get(`good${i}`, 2, async () => `${++calls}`)).toBe(`v${i}`);
  expect(calls).toBe(0);

  // A load the bound displaced still answers its callers, but is not kept (it may be older
  // than a delete its key had meanwhile); the one that displaced it is.
  const small = loads<number>({ maxEntries: 5, maxInFlight: 1, ttlMs: 1_000 });
  const h = gate<number>();
  const first = small.get("a", 0, h.load);
  const second = small.get("b", 0, h.load);
  h.answer(1);
  h.answer(2);
  expect([await first, await second]).toEqual([1, 2]);
  expect(small.size).toBe(1);
  expect(await small.get("b", 0, h.load)).toBe(2);
  expect(h.calls).toBe(2);
});
