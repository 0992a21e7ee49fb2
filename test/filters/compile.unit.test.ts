/** Which filters are refused, and the path each refusal names. */
import { describe, expect, it } from "vitest";
import { compileFilter, FILTER_LIMITS, FilterError } from "../../core/filters/compile.js";

function issueOf(filter: unknown) {
  try {
    compileFilter(filter);
  } catch (err) {
    if (err instanceof FilterError) return err.issue;
    throw err;
  }
  return undefined;
}

describe("invalid filters name the path of the problem", () => {
  it.each([
    ["not an object", [], ""],
    ["a string", "x", ""],
    ["null", null, ""],
    ["unknown operator", { data: { amount: { $regex: "a+" } } }, "data.amount.$regex"],
    ["$gt with an object", { data: { amount: { $gt: { a: 1 } } } }, "data.amount.$gt"],
    ["$gte with a boolean", { data: { amount: { $gte: true } } }, "data.amount.$gte"],
    ["$lt with null", { amount: { $lt: null } }, "amount.$lt"],
    ["$in with a number", { data: { s: { $in: 5 } } }, "data.s.$in"],
    ["$nin with an object", { data: { s: { $nin: { a: 1 } } } }, "data.s.$nin"],
    ["$startsWith with a number", { type: { $startsWith: 1 } }, "type.$startsWith"],
    ["$endsWith with a mixed list", { type: { $endsWith: ["a", 1] } }, "type.$endsWith"],
    ["$exist with a string", { a: { $exist: "yes" } }, "a.$exist"],
    ["$or with an object", { $or: { a: 1 } }, "$or"],
    ["$or empty", { $or: [] }, "$or"],
    ["$and empty", { $and: [] }, "$and"],
    ["bad operator inside $or", { $or: [{ a: 1 }, { b: { $foo: 1 } }] }, "$or.1.b.$foo"],
    ["bad operator inside $not", { $not: { a: { $gt: [] } } }, "$not.a.$gt"],
    ["bad operator in an array literal", { tags: ["a", { $x: 1 }] }, "tags.1.$x"],
  ])("%s", (_name, filter, path) => {
    const issue = issueOf(filter);
    expect(issue?.path).toBe(path);
    expect(issue?.message).toEqual(expect.any(String));
  });

  it("refuses filters nested deeper than the limit", () => {
    let f: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < FILTER_LIMITS.maxDepth; i++) f = { a: f };
    expect(issueOf(f)?.message).toMatch(/deeper/);
    let ok: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < FILTER_LIMITS.maxDepth - 2; i++) ok = { a: ok };
    expect(issueOf(ok)).toBeUndefined();
  });

  it("refuses filters with too many values, before looking at all of them", () => {
    const many = { data: { s: { $in: Array.from({ length: 100_000 }, (_, i) => i) } } };
    expect(issueOf(many)?.message).toMatch(/more than 512 values/);
  });

  it("refuses filters over the byte limit", () => {
    const big = { data: { s: { $in: Array.from({ length: 100 }, () => "x".repeat(100)) } } };
    expect(issueOf(big)?.message).toMatch(/at most 8192 bytes/);
  });

  it("accepts every operator", () => {
    expect(
      issueOf({
        $and: [{ a: { $eq: { x: [1] } } }, { a: { $neq: null } }],
        $or: [{ b: { $gt: 1, $gte: "a", $lt: 2, $lte: "z" } }],
        $not: { c: { $in: [1, "a", null, { x: 1 }], $nin: "sub" } },
        d: { $startsWith: ["a", "b"], $endsWith: "c", $exist: true },
        e: [1, { f: 2 }],
      }),
    ).toBeUndefined();
  });
});
