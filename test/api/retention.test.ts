/**
 * /v1/retention and the retention fields of event types and events on DynamoDB Local
 * (#28 item 1, docs/data.md): bounds, roles, organizations apart, and bad input changing nothing.
 */
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { keys } from "../../core/store/keys.js";
import { createTestOrg } from "../support/api.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack();
});

describe("retention settings", () => {
  it("GET shows the default; PUT sets days within 1-365, null goes back to the default", async () => {
    const org = await createTestOrg(stack);
    const first = await org.request("GET", "/v1/retention");
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      days: 30,
      source: "default",
      default_days: 30,
      min_days: 1,
      max_days: 365,
      event_types: [],
    });
    const set = await org.request("PUT", "/v1/retention", { days: 14 });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ days: 14, source: "organization" });
    for (const bad of [{ days: 0 }, { days: 366 }, { days: 1.5 }, { days: "7" }, {}, { days: 7, x: 1 }]) {
      const res = await org.request("PUT", "/v1/retention", bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    expect((await org.request("GET", "/v1/retention")).body.days).toBe(14);
    const reset = await org.request("PUT", "/v1/retention", { days: null });
    expect(reset.body).toMatchObject({ days: 30, source: "default" });
    const item = await stack.deps.db.doc.send(
      new GetCommand({ TableName: stack.deps.db.table, Key: keys.org(org.orgId) }),
    );
    expect(item.Item?.retention_days).toBeUndefined();
  });

  it("viewers read it, only admins set it, and each organization has its own", async () => {
    const viewer = await createTestOrg(stack, "viewer");
    expect((await viewer.request("GET", "/v1/retention")).status).toBe(200);
    expect((await viewer.request("PUT", "/v1/retention", { days: 3 })).status).toBe(403);
    const member = await createTestOrg(stack, "member");
    expect((await member.request("PUT", "/v1/retention", { days: 3 })).status).toBe(403);
    const a = await createTestOrg(stack);
    const b = await createTestOrg(stack);
    await a.request("PUT", "/v1/retention", { days: 3 });
    expect((await b.request("GET", "/v1/retention")).body.days).toBe(30);
  });

  it("event types take retention_days within the bounds; events show expires_at from it", async () => {
    const org = await createTestOrg(stack);
    for (const retention_days of [0, 366, -1, 2.5]) {
      const res = await org.request("POST", "/v1/event-types", {
        name: "audit.short",
        description: "x",
        retention_days,
      });
      expect(res.status).toBe(400);
    }
    const created = await org.request("POST", "/v1/event-types", {
      name: "audit.short",
      description: "x",
      retention_days: 3,
    });
    expect(created.status).toBe(201);
    expect(created.body.retention_days).toBe(3);
    expect((await org.request("GET", "/v1/retention")).body.event_types).toEqual([
      { name: "audit.short", retention_days: 3 },
    ]);
    const pub = await org.request("POST", "/v1/events", { type: "audit.short", data: { a: 1 } });
    expect(pub.status).toBe(202);
    const ev = await org.request("GET", `/v1/events/${pub.body.id}`);
    expect(ev.body).toMatchObject({ payload: "available", data: { a: 1 }, subject: null });
    const kept = Date.parse(ev.body.expires_at) - Date.parse(ev.body.created_at);
    expect(Math.abs(kept - 3 * 86_400_000)).toBeLessThan(1000);

    // PATCH sets or removes a type's retention, a default type's too (the organization's copy).
    const bad = await org.request("PATCH", "/v1/event-types/telephony.complete", { retention_days: 0 });
    expect(bad.status).toBe(400);
    const patched = await org.request("PATCH", "/v1/event-types/telephony.complete", { retention_days: 5 });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.retention_days).toBe(5);
    await org.request("PATCH", "/v1/event-types/audit.short", { retention_days: null });
    expect((await org.request("GET", "/v1/retention")).body.event_types).toEqual([
      { name: "telephony.complete", retention_days: 5 },
    ]);
  });
});
