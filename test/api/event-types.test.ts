import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_EVENT_TYPES } from "../../core/event-types/default-catalog.js";
import { createTestOrg } from "../support/api.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack();
});

const PATH = "/v1/event-types";

describe("event-type catalog", () => {
  it("lists the default catalog, including the seeds' types", async () => {
    const org = await createTestOrg(stack, "viewer");
    const res = await org.request("GET", PATH);
    expect(res.status).toBe(200);
    const names = res.body.data.map((t: { name: string }) => t.name);
    expect(names).toEqual(DEFAULT_EVENT_TYPES.map((t) => t.name));
    for (const n of [
      "telephony.incoming",
      "telephony.complete",
      "chat.message.completed",
      "voice.call.ended",
    ]) {
      expect(names).toContain(n);
    }
    expect(res.body.data[0]).toMatchObject({ custom: false, schema: null, created_at: null });
    expect(res.body.next_cursor).toBeNull();
  });

  it("admins add types with a description and an optional JSON schema", async () => {
    const org = await createTestOrg(stack);
    const schema = { type: "object", properties: { amount: { type: "integer" } }, required: ["amount"] };
    const res = await org.request("POST", PATH, {
      name: "billing.invoice.paid",
      description: "Paid",
      schema,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: "billing.invoice.paid",
      description: "Paid",
      schema,
      custom: true,
    });
    const plain = await org.request("POST", PATH, { name: "billing.refund", description: "Refunded" });
    expect(plain.body.schema).toBeNull();

    const list = await org.request("GET", PATH);
    const custom = list.body.data.filter((t: { custom: boolean }) => t.custom);
    expect(custom.map((t: { name: string }) => t.name)).toEqual(["billing.invoice.paid", "billing.refund"]);

    // Only this organization sees them.
    const other = await createTestOrg(stack);
    const theirs = await other.request("GET", PATH);
    expect(theirs.text).not.toContain("billing.invoice.paid");
  });

  it("409 on a duplicate, including a default type's name", async () => {
    const org = await createTestOrg(stack);
    expect((await org.request("POST", PATH, { name: "a.b", description: "x" })).status).toBe(201);
    const dup = await org.request("POST", PATH, { name: "a.b", description: "y" });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe("event_type_exists");
    expect((await org.request("POST", PATH, { name: "telephony.complete", description: "y" })).status).toBe(
      409,
    );
  });

  it("400 on bad names, invalid schemas and unknown fields", async () => {
    const org = await createTestOrg(stack);
    for (const body of [
      { name: "Bad Name", description: "x" },
      { name: "a.*", description: "x" },
      { name: "*", description: "x" },
      { name: ".a", description: "x" },
      { name: "a..b", description: "x" },
      { name: "a.b", description: "" },
      { name: "a.b" },
      { name: "a.b", description: "x", schema: { type: "not-a-type" } },
      { name: "a.b", description: "x", schema: { properties: 5 } },
      { name: "a.b", description: "x", schema: "string" },
      { name: "a.b", description: "x", extra: 1 },
    ]) {
      const res = await org.request("POST", PATH, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe("validation_error");
    }
  });

  it("matches schema patterns in linear time (RE2) and refuses patterns RE2 cannot run", async () => {
    const org = await createTestOrg(stack);
    // Exponential for a backtracking engine on "aaaa…!": with RE2 it answers at once.
    const evil = { type: "object", properties: { code: { type: "string", pattern: "^(a+)+$" } } };
    expect(
      (await org.request("POST", PATH, { name: "evil.pattern", description: "x", schema: evil })).status,
    ).toBe(201);
    const res = await org.request("POST", "/v1/events", {
      type: "evil.pattern",
      data: { code: `${"a".repeat(5000)}!` },
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toMatch(/pattern/);
    const ok = await org.request("POST", "/v1/events", { type: "evil.pattern", data: { code: "aaa" } });
    expect(ok.status).toBe(202);

    const lookahead = { type: "object", properties: { x: { type: "string", pattern: "^(?=a)a$" } } };
    const refused = await org.request("POST", PATH, {
      name: "look.ahead",
      description: "x",
      schema: lookahead,
    });
    expect(refused.status).toBe(400);
  });

  it("members and viewers may not add types", async () => {
    for (const role of ["member", "viewer"] as const) {
      const org = await createTestOrg(stack, role);
      expect((await org.request("POST", PATH, { name: "x.y", description: "x" })).status).toBe(403);
    }
  });
});
