/** Filter semantics, one table per concern (docs/filters.md is the prose of these tables). */
import { describe, expect, it } from "vitest";
import { compileFilter } from "../../core/filters/compile.js";
import { evaluate } from "../../core/filters/evaluate.js";

const event = {
  id: "msg_1",
  type: "order.paid",
  timestamp: "2026-03-16T10:00:00.000Z",
  agent_id: "agent-7",
  data: {
    amount: 150,
    currency: "usd",
    status: "paid",
    note: null,
    vip: true,
    tags: ["vip", "eu"],
    nums: [1, 5, 9],
    customer: { tier: "gold", email: "ann@example.com", address: { country: "FR" } },
    items: [
      { sku: "a-1", qty: 2 },
      { sku: "b-2", qty: 10 },
    ],
    matrix: [["x"], ["y"]],
    empty: [],
    zero: 0,
    count_str: "100",
  },
};

type Row = [name: string, filter: Record<string, unknown>, expected: boolean];

function table(rows: Row[]) {
  it.each(rows)("%s", (_name, filter, expected) => {
    expect(evaluate(compileFilter(filter), event)).toBe(expected);
  });
}

describe("exact values and nesting", () => {
  table([
    ["empty filter matches everything", {}, true],
    ["top-level field", { type: "order.paid" }, true],
    ["top-level field, other value", { type: "order.created" }, false],
    ["nested field", { data: { status: "paid" } }, true],
    ["two fields are AND", { data: { status: "paid", currency: "usd" } }, true],
    ["two fields, one wrong", { data: { status: "paid", currency: "eur" } }, false],
    ["deep nesting", { data: { customer: { address: { country: "FR" } } } }, true],
    ["deep nesting, other value", { data: { customer: { address: { country: "DE" } } } }, false],
    ["nested object is a subset match", { data: { customer: { tier: "gold" } } }, true],
    ["null matches null", { data: { note: null } }, true],
    ["boolean", { data: { vip: true } }, true],
    ["boolean is not 1", { data: { vip: 1 } }, false],
    ["number", { data: { amount: 150 } }, true],
    ["number 150.0 is 150", { data: { amount: 150.0 } }, true],
    ["agent_id", { agent_id: "agent-7" }, true],
    ["timestamp", { timestamp: "2026-03-16T10:00:00.000Z" }, true],
  ]);
});

describe("arrays", () => {
  table([
    ["array contains the value", { data: { tags: "vip" } }, true],
    ["array lacks the value", { data: { tags: "us" } }, false],
    ["array of numbers contains", { data: { nums: 5 } }, true],
    ["array in filter: contains all", { data: { tags: ["eu", "vip"] } }, true],
    ["array in filter: one missing", { data: { tags: ["eu", "us"] } }, false],
    ["array in filter vs a scalar", { data: { status: ["paid"] } }, false],
    ["empty array in filter matches any array", { data: { empty: [] } }, true],
    ["array of objects: one element matches", { data: { items: { sku: "b-2" } } }, true],
    [
      "array of objects: fields must hold in the same element",
      { data: { items: { sku: "a-1", qty: 10 } } },
      false,
    ],
    ["array of objects with an operator", { data: { items: { qty: { $gte: 10 } } } }, true],
    ["operator on array: some element", { data: { nums: { $gt: 8 } } }, true],
    ["operator on array: no element", { data: { nums: { $gt: 9 } } }, false],
    ["nested arrays are one level only", { data: { matrix: "x" } }, false],
    ["$eq an array as a whole", { data: { tags: { $eq: ["vip", "eu"] } } }, true],
    ["$eq an array in another order", { data: { tags: { $eq: ["eu", "vip"] } } }, false],
    ["$eq an element", { data: { tags: { $eq: "eu" } } }, true],
    ["$in on an array: some element listed", { data: { tags: { $in: ["us", "eu"] } } }, true],
    ["$nin on an array: no element listed", { data: { tags: { $nin: ["us", "ca"] } } }, true],
    ["$nin on an array: one element listed", { data: { tags: { $nin: ["us", "eu"] } } }, false],
    ["$neq on an array: no element equal", { data: { tags: { $neq: "us" } } }, true],
    ["$neq on an array: an element equal", { data: { tags: { $neq: "vip" } } }, false],
  ]);
});

describe("comparison operators", () => {
  table([
    ["$eq", { data: { amount: { $eq: 150 } } }, true],
    [
      "$eq object: deep, any key order",
      { data: { customer: { address: { $eq: { country: "FR" } } } } },
      true,
    ],
    ["$eq object: extra key is not equal", { data: { customer: { $eq: { tier: "gold" } } } }, false],
    ["$neq", { data: { status: { $neq: "refunded" } } }, true],
    ["$neq same", { data: { status: { $neq: "paid" } } }, false],
    ["$gt", { data: { amount: { $gt: 100 } } }, true],
    ["$gt equal", { data: { amount: { $gt: 150 } } }, false],
    ["$gte equal", { data: { amount: { $gte: 150 } } }, true],
    ["$lt", { data: { amount: { $lt: 151 } } }, true],
    ["$lt equal", { data: { amount: { $lt: 150 } } }, false],
    ["$lte equal", { data: { amount: { $lte: 150 } } }, true],
    ["range (two operators are AND)", { data: { amount: { $gte: 100, $lt: 200 } } }, true],
    ["range, outside", { data: { amount: { $gte: 100, $lt: 150 } } }, false],
    ["strings compare by code unit", { data: { currency: { $gt: "eur" } } }, true],
    ["ISO timestamps compare as strings", { timestamp: { $gte: "2026-03-01T00:00:00Z" } }, true],
    ["zero is a number", { data: { zero: { $lte: 0 } } }, true],
  ]);
});

describe("membership, affixes, existence", () => {
  table([
    ["$in list", { data: { status: { $in: ["paid", "pending"] } } }, true],
    ["$in list, absent", { data: { status: { $in: ["refunded"] } } }, false],
    ["$in list of numbers", { data: { amount: { $in: [100, 150] } } }, true],
    [
      "$in object element (deep equal)",
      { data: { customer: { address: { $in: [{ country: "FR" }] } } } },
      true,
    ],
    ["$in string: substring", { data: { customer: { email: { $in: "@example." } } } }, true],
    ["$in string: not a substring", { data: { customer: { email: { $in: "@other." } } } }, false],
    ["$nin list", { data: { status: { $nin: ["refunded", "void"] } } }, true],
    ["$nin list, present", { data: { status: { $nin: ["paid"] } } }, false],
    ["$startsWith", { type: { $startsWith: "order." } }, true],
    ["$startsWith, other", { type: { $startsWith: "user." } }, false],
    ["$startsWith any of a list", { type: { $startsWith: ["user.", "order."] } }, true],
    ["$endsWith", { data: { customer: { email: { $endsWith: "@example.com" } } } }, true],
    ["$endsWith, other", { data: { customer: { email: { $endsWith: "@example.org" } } } }, false],
    ["$exist true", { data: { currency: { $exist: true } } }, true],
    ["$exist true on null (present)", { data: { note: { $exist: true } } }, true],
    ["$exist true, missing", { data: { refund: { $exist: true } } }, false],
    ["$exist false, missing", { data: { refund: { $exist: false } } }, true],
    ["$exist false, present", { data: { currency: { $exist: false } } }, false],
    ["$exist with another operator", { data: { amount: { $exist: true, $gt: 1 } } }, true],
  ]);
});

describe("logical operators", () => {
  table([
    ["$or first", { $or: [{ data: { status: "paid" } }, { data: { tags: "nope" } }] }, true],
    ["$or second", { $or: [{ data: { status: "x" } }, { data: { tags: "vip" } }] }, true],
    ["$or none", { $or: [{ data: { status: "x" } }, { data: { tags: "nope" } }] }, false],
    ["$and all", { $and: [{ data: { status: "paid" } }, { data: { amount: { $gt: 100 } } }] }, true],
    ["$and one fails", { $and: [{ data: { status: "paid" } }, { data: { amount: { $gt: 200 } } }] }, false],
    ["$not", { $not: { data: { status: "refunded" } } }, true],
    ["$not of a match", { $not: { data: { status: "paid" } } }, false],
    ["$not at field level", { data: { status: { $not: { $in: ["void", "refunded"] } } } }, true],
    ["$or at field level", { data: { status: { $or: ["paid", "pending"] } } }, true],
    ["$or at field level with operators", { data: { amount: { $or: [{ $lt: 10 }, { $gt: 100 }] } } }, true],
    ["$and at field level", { data: { amount: { $and: [{ $gt: 100 }, { $lt: 120 }] } } }, false],
    [
      "$or nested in $and",
      { $and: [{ $or: [{ type: "x" }, { type: "order.paid" }] }, { data: { vip: true } }] },
      true,
    ],
    ["$or with sibling fields (AND)", { type: "order.paid", $or: [{ data: { currency: "eur" } }] }, false],
    ["double $not", { $not: { $not: { type: "order.paid" } } }, true],
  ]);
});

describe("missing fields", () => {
  table([
    ["exact value on a missing field", { data: { refund: "x" } }, false],
    ["null does not match a missing field", { data: { refund: null } }, false],
    ["nested object under a missing field", { data: { refund: { id: "r1" } } }, false],
    ["array in filter on a missing field", { data: { refund: ["x"] } }, false],
    ["$eq on a missing field", { data: { refund: { $eq: null } } }, false],
    ["$neq on a missing field (must exist)", { data: { refund: { $neq: "x" } } }, false],
    ["$nin on a missing field (must exist)", { data: { refund: { $nin: ["x"] } } }, false],
    ["$gt on a missing field", { data: { refund: { $gt: 0 } } }, false],
    ["$not of a condition a missing field fails", { data: { refund: { $not: { $eq: "x" } } } }, true],
    ["$or with $exist false", { data: { refund: { $or: [{ $exist: false }, { $eq: 0 }] } } }, true],
    ["missing top-level section", { metadata: { source: "api" } }, false],
    ["agent_id absent when the event has none", { agent_id: { $exist: false } }, false],
  ]);
});

describe("type mismatches never match (and never throw)", () => {
  table([
    ['string "100" is not the number 100', { data: { count_str: 100 } }, false],
    ["$gt number vs string value", { data: { count_str: { $gt: 50 } } }, false],
    ["$gt string vs number value", { data: { amount: { $gt: "100" } } }, false],
    ["$lt on an object", { data: { customer: { $lt: 5 } } }, false],
    ["$startsWith on a number", { data: { amount: { $startsWith: "1" } } }, false],
    ["$endsWith on null", { data: { note: { $endsWith: "x" } } }, false],
    ["$in string on a number", { data: { amount: { $in: "15" } } }, false],
    ["nested object filter on a string", { data: { status: { code: "paid" } } }, false],
    ["nested object filter on null", { data: { note: { a: 1 } } }, false],
    ["scalar filter on an object", { data: { customer: "gold" } }, false],
    ["$neq across types is true", { data: { amount: { $neq: "150" } } }, true],
    ["$nin across types is true", { data: { amount: { $nin: ["150"] } } }, true],
  ]);
});

it("an event without agent_id: $exist false matches", () => {
  const { agent_id: _a, ...noAgent } = event;
  expect(evaluate(compileFilter({ agent_id: { $exist: false } }), noAgent)).toBe(true);
});

it("never reads inherited properties", () => {
  expect(evaluate(compileFilter({ data: { toString: { $exist: true } } }), event)).toBe(false);
  expect(evaluate(compileFilter({ data: { constructor: { $exist: false } } }), event)).toBe(true);
  const parsed = JSON.parse('{"data":{"__proto__":{"x":1}}}');
  expect(evaluate(compileFilter(parsed), JSON.parse('{"data":{"__proto__":{"x":1}}}'))).toBe(true);
  expect(evaluate(compileFilter(parsed), event)).toBe(false);
});
