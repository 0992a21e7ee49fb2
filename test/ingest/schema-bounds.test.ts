/**
 * Tenant JSON Schemas cannot make validation exponential (issue #12 item 1): schemas over
 * their bounds are refused at registration (400 `schema_too_complex`), and each event's
 * validation has a budget computed before ajv runs, whose excess fails that event alone
 * (400 `validation_budget_exceeded`, or the ingest DLQ with that reason), never the batch.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { SchemaTooComplex, schemaCost, validationWork } from "../../core/json-schema/complexity.js";
import { MAX_DATA_DEPTH, MAX_VALIDATION_WORK } from "../../core/model/limits.js";
import { putEventType } from "../../core/store/event-types.js";
import { listMessages } from "../../core/store/messages.js";
import { callApp, createTestOrg } from "../support/api.js";
import { publishAndProcess } from "../support/ingest.js";
import { type DeadLetter, dlqCollector, type QueueCollector } from "../support/queues.js";
import { createTestStack, type TestStack, uniqueOrg } from "../support/stack.js";

let stack: TestStack;
let dlq: QueueCollector<DeadLetter>;
beforeAll(async () => {
  stack = await createTestStack();
  dlq = dlqCollector(stack);
});

/** The schemas: a recursive `$ref` through a union of `branches` branches (~300 bytes). */
function recursiveUnion(branches: number) {
  const branch = (extra: object) => ({ type: "object", properties: { a: { $ref: "#/$defs/n" } }, ...extra });
  const all = [branch({}), branch({ required: ["a"] }), branch({ minProperties: 1 })];
  return { $defs: { n: { anyOf: all.slice(0, branches) } }, $ref: "#/$defs/n" };
}
/** `{"a":{"a":…1}}`: fails every branch at the bottom, so a backtracking validator tries them all. */
function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}
/** A ~40 KiB schema (the took ~10 s to compile at 1 MiB; the request body is capped at 1 MiB). */
function hugeSchema() {
  const properties: Record<string, unknown> = {};
  for (let i = 0; i < 700; i++) properties[`field_${i}`] = { type: "string", minLength: 1, maxLength: 40 };
  return { type: "object", properties };
}

const refused: [string, Record<string, unknown>, RegExp][] = [
  ["recursive $ref through a 3-branch anyOf", recursiveUnion(3), /keywords on one value/],
  ["recursive $ref through a 2-branch anyOf", recursiveUnion(2), /keywords on one value/],
  ["uniqueItems without maxItems", { type: "array", uniqueItems: true }, /uniqueItems needs maxItems/],
  ["uniqueItems over 30,000 items", { type: "array", uniqueItems: true, maxItems: 30_000 }, /maxItems/],
  ["a schema over 32 KiB", hugeSchema(), /bytes; the limit/],
  ["a $ref cycle on one value", { allOf: [{ $ref: "#" }] }, /never descends/],
  ["a remote $ref", { $ref: "https://example.com/schema.json" }, /only local references/],
  ["a $ref to nothing", { $ref: "#/$defs/missing" }, /does not point at a subschema/],
  ["an $id below the root", { properties: { a: { $id: "http://x/a", type: "string" } } }, /\$id/],
];

describe("schema bounds at registration", () => {
  it("refuses the issue's pathological schemas with 400 schema_too_complex, storing nothing", async () => {
    const org = await createTestOrg(stack);
    for (const [what, schema, reason] of refused) {
      const res = await org.request("POST", "/v1/event-types", {
        name: "evil.schema",
        description: "x",
        schema,
      });
      expect(res.status, what).toBe(400);
      expect(res.body.error.code, what).toBe("schema_too_complex");
      expect(res.body.error.message, what).toMatch(reason);
    }
    const list = await org.request("GET", "/v1/event-types");
    expect(list.text).not.toContain("evil.schema");
  });

  it("accepts recursive schemas that descend one way (a tree) and validates their events", async () => {
    const org = await createTestOrg(stack);
    const tree = {
      $defs: {
        node: {
          type: "object",
          properties: {
            name: { type: "string", pattern: "^[a-z]+$" },
            children: { type: "array", items: { $ref: "#/$defs/node" }, maxItems: 50 },
            tags: { type: "array", items: { type: "string" }, uniqueItems: true, maxItems: 20 },
          },
          required: ["name"],
        },
      },
      $ref: "#/$defs/node",
    };
    const created = await org.request("POST", "/v1/event-types", {
      name: "doc.tree",
      description: "x",
      schema: tree,
    });
    expect(created.status, created.text).toBe(201);
    let data: Record<string, unknown> = { name: "leaf", tags: ["a", "b"] };
    for (let i = 0; i < 12; i++) data = { name: "node", children: [data] };
    expect((await org.request("POST", "/v1/events", { type: "doc.tree", data })).status).toBe(202);
    const bad = await org.request("POST", "/v1/events", {
      type: "doc.tree",
      data: { name: "x", tags: ["a", "a"] },
    });
    expect(bad.body.error.code).toBe("schema_mismatch");
  });
});

describe("the validation budget of one event", () => {
  it("bounds every value's keywords by depth and counts an event's work before validating", () => {
    expect(() => schemaCost(recursiveUnion(3), MAX_DATA_DEPTH)).toThrow(SchemaTooComplex);
    const flat = schemaCost({ type: "object", properties: { a: { type: "integer" } } }, MAX_DATA_DEPTH);
    expect(flat.perDepth.slice(0, 3)).toEqual([2, 1, 0]);
    expect(validationWork(flat, { a: 1, b: "x" })).toBe(4);
    // uniqueItems compares pairwise: an array's work grows with its length squared.
    const unique = schemaCost({ type: "array", uniqueItems: true, maxItems: 1000 }, MAX_DATA_DEPTH);
    const arrays = (n: number) => Array.from({ length: n }, (_, i) => [...new Array(99).fill(0), i]);
    expect(validationWork(unique, arrays(100))).toBeLessThan(MAX_VALIDATION_WORK);
    expect(validationWork(unique, arrays(1000))).toBeGreaterThan(MAX_VALIDATION_WORK);
  });

  it("an event over the budget is a 400 for that event; a smaller one passes", async () => {
    const org = await createTestOrg(stack);
    const schema = {
      type: "object",
      properties: { xs: { type: "array", uniqueItems: true, maxItems: 1000 } },
    };
    expect(
      (await org.request("POST", "/v1/event-types", { name: "set.of", description: "x", schema })).status,
    ).toBe(201);
    // Arrays equal up to their last element: the costliest comparisons (~200 KB of data).
    const xs = (n: number) => Array.from({ length: n }, (_, i) => [...new Array(99).fill(0), i]);
    const heavy = await org.request("POST", "/v1/events", { type: "set.of", data: { xs: xs(1000) } });
    expect(heavy.status).toBe(400);
    expect(heavy.body.error.code).toBe("validation_budget_exceeded");
    expect((await org.request("POST", "/v1/events", { type: "set.of", data: { xs: xs(100) } })).status).toBe(
      202,
    );
    expect((await listMessages(stack.deps.db, org.orgId, { limit: 10 })).items).toHaveLength(1);
  });

  // A schema stored before the bounds existed (written to the table directly here): its events
  // fail alone and at once, and neither /health nor another tenant's event waits behind them.
  const legacy = (org: string) =>
    putEventType(stack.deps.db, org, {
      name: "legacy.evil",
      description: "stored before the bounds",
      schema: recursiveUnion(2),
      created_at: new Date().toISOString(),
    });

  it("on the API: 400 schema_too_complex for that event; /health and another tenant answer", async () => {
    const org = await createTestOrg(stack);
    const other = await createTestOrg(stack);
    await legacy(org.orgId);
    const [evil, health, theirs] = await Promise.all([
      org.request("POST", "/v1/events", { type: "legacy.evil", data: nested(29) }),
      callApp(org.app, "GET", "/health"),
      other.request("POST", "/v1/events", { type: "call.graded", data: { n: 1 } }),
    ]);
    expect(evil.status).toBe(400);
    expect(evil.body.error.code).toBe("schema_too_complex");
    expect(health.status).toBe(200);
    expect(theirs.status).toBe(202);
  });

  it("on the ingest queue: that event is dead-lettered with its reason, the batch's others are stored", async () => {
    const org = uniqueOrg();
    const other = uniqueOrg();
    await legacy(org);
    const evil = { org_id: org, type: "legacy.evil", data: nested(29) };
    const fine = { org_id: other, type: "call.graded", data: { n: 1 } };
    const { response } = await publishAndProcess(stack, [evil, fine]);
    expect(response.batchItemFailures).toEqual([]);
    const [dead] = await dlq.expect(org, 1);
    expect(dead!.code).toBe("schema_too_complex");
    expect((await listMessages(stack.deps.db, other, { limit: 10 })).items).toHaveLength(1);
    expect((await listMessages(stack.deps.db, org, { limit: 10 })).items).toHaveLength(0);
  });
});
