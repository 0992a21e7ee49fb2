/**
 * lruPer and lruMemo: the per-process memos (trial answers, aged resumes, shard plans) are one LRU per owner,
 * so stacks built apart never share entries, and each stays bounded.
 */
import { describe, expect, it } from "vitest";
import { lruMemo, lruPer } from "../../core/lib/index.js";

describe("lruPer", () => {
  it("gives each owner its own LRU, the same one each time", () => {
    const memoOf = lruPer<object, number>({ maxEntries: 2, maxWeight: 2 });
    const a = {};
    const b = {};
    memoOf(a).set("k", 1, 1);
    expect(memoOf(a).get("k")).toBe(1);
    expect(memoOf(b).get("k")).toBeUndefined();
    expect(memoOf(a)).toBe(memoOf(a));
  });

  it("keeps each owner's LRU within its bounds", () => {
    const memoOf = lruPer<object, number>({ maxEntries: 2, maxWeight: 2 });
    const a = {};
    for (const k of ["x", "y", "z"]) memoOf(a).set(k, 1, 1);
    expect(memoOf(a).size).toBe(2);
    expect(memoOf(a).get("x")).toBeUndefined();
  });
});

describe("lruMemo", () => {
  it("keeps at most maxEntries keys, the least recently used dropped first", () => {
    const memo = lruMemo<number>(2);
    memo.set("a", 1);
    memo.set("b", 2);
    expect(memo.get("a")).toBe(1); // a is now the most recently used
    memo.set("c", 3); // drops b
    expect(memo.get("b")).toBeUndefined();
    expect([memo.get("a"), memo.get("c")]).toEqual([1, 3]);
    memo.delete("a");
    expect(memo.get("a")).toBeUndefined();
  });

  it("never drops a value `keep` holds on to, even the least recently used: the others go", () => {
    const memo = lruMemo<{ held?: true }>(2, (v) => v.held === true);
    const a: { held?: true } = {};
    memo.set("a", a);
    a.held = true; // changed in place after it was set, as a health memo is
    memo.set("b", {});
    memo.set("c", {}); // drops b, not a (older, but held)
    memo.set("d", {}); // drops c
    expect(memo.get("a")).toBe(a);
    expect([memo.get("b"), memo.get("c")]).toEqual([undefined, undefined]);
    expect(memo.get("d")).toEqual({});
    delete a.held;
    memo.set("e", {}); // a no longer held: the least recently used again
    expect(memo.get("a")).toBeUndefined();
  });
});
