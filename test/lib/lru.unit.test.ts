/**
 * lruPer: the per-process memos (trial answers, aged resumes, shard plans) are one LRU per owner,
 * so stacks built apart never share entries, and each stays bounded.
 */
import { describe, expect, it } from "vitest";
import { lruPer } from "../../core/lib/index.js";

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
