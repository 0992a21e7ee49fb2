import { beforeAll, describe, expect, it } from "vitest";
import { authenticate } from "../../core/auth/api-keys.js";
import { generateApiKey } from "../../core/auth/keys.js";
import { bootstrapOrg } from "../../core/orgs/bootstrap.js";
import { callApp, createTestOrg } from "../support/api.js";
import { createTestStack, type TestStack, uniqueOrg } from "../support/stack.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack();
});

describe("authentication", () => {
  it("401 without, with malformed and with unknown keys", async () => {
    const org = await createTestOrg(stack);
    const none = await callApp(org.app, "GET", "/v1/webhook-endpoints");
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe("unauthorized");
    for (const authorization of [
      "Bearer nope",
      `Basic ${org.apiKey}`,
      "Bearer",
      `Bearer ${org.apiKey.replace("sk_test_", "pk_test_")}`,
      `Bearer sk_live_${"x".repeat(43)}`,
    ]) {
      const res = await org.request("GET", "/v1/webhook-endpoints", undefined, { authorization });
      expect(res.status, authorization).toBe(401);
      expect(res.body.error.code).toBe("unauthorized");
    }
    expect((await org.request("GET", "/v1/webhook-endpoints")).status).toBe(200);
  });

  it("unknown routes under /v1 need a key too, then answer 404", async () => {
    const org = await createTestOrg(stack);
    expect((await callApp(org.app, "GET", "/v1/nope")).status).toBe(401);
    const res = await org.request("GET", "/v1/nope");
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("not_found");
  });

  it("roles: viewers read, members may not manage endpoints or keys, admins may", async () => {
    const admin = await createTestOrg(stack, "admin");
    const member = await createTestOrg(stack, "member");
    const viewer = await createTestOrg(stack, "viewer");
    const body = { url: "https://example.com/hook" };
    for (const org of [viewer, member]) {
      expect((await org.request("GET", "/v1/webhook-endpoints")).status).toBe(200);
      expect((await org.request("GET", "/v1/event-types")).status).toBe(200);
      const denied = await org.request("POST", "/v1/webhook-endpoints", body);
      expect(denied.status).toBe(403);
      expect(denied.body.error.code).toBe("forbidden");
      expect((await org.request("GET", "/v1/api-keys")).status).toBe(403);
      expect((await org.request("POST", "/v1/api-keys", { role: "viewer" })).status).toBe(403);
      expect((await org.request("POST", "/v1/event-types", { name: "a.b", description: "x" })).status).toBe(
        403,
      );
    }
    expect((await admin.request("POST", "/v1/webhook-endpoints", body)).status).toBe(201);
  });
});

describe("API keys", () => {
  it("creates a key shown once, lists without secrets, revokes (then 401)", async () => {
    const admin = await createTestOrg(stack);
    const created = await admin.request("POST", "/v1/api-keys", { name: "ci", role: "member", mode: "test" });
    expect(created.status).toBe(201);
    const raw: string = created.body.key;
    expect(raw).toMatch(/^sk_test_[A-Za-z0-9_-]{43}$/);
    expect(created.body).toMatchObject({ name: "ci", role: "member", mode: "test", revoked_at: null });
    expect(raw.startsWith(created.body.prefix)).toBe(true);

    const live = await admin.request("POST", "/v1/api-keys", { role: "viewer" });
    expect(live.body.key).toMatch(/^sk_live_/);

    const list = await admin.request("GET", "/v1/api-keys");
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(3);
    expect(list.text).not.toContain(raw);
    expect(list.text).not.toContain(admin.apiKey);
    expect(list.text).not.toContain("key_hash");

    // The new key works with its role.
    const asMember = await admin.request("GET", "/v1/webhook-endpoints", undefined, {
      authorization: `Bearer ${raw}`,
    });
    expect(asMember.status).toBe(200);

    const revoked = await admin.request("DELETE", `/v1/api-keys/${created.body.id}`);
    expect(revoked.status).toBe(204);
    expect(revoked.text).toBe("");
    const after = await admin.request("GET", "/v1/webhook-endpoints", undefined, {
      authorization: `Bearer ${raw}`,
    });
    expect(after.status).toBe(401);
    const listed = (await admin.request("GET", "/v1/api-keys")).body.data.find(
      (k: { id: string }) => k.id === created.body.id,
    );
    expect(listed.revoked_at).toEqual(expect.any(String));
  });

  it("validates bodies and paginates", async () => {
    const admin = await createTestOrg(stack);
    expect((await admin.request("POST", "/v1/api-keys", { role: "owner" })).status).toBe(400);
    expect((await admin.request("POST", "/v1/api-keys", { role: "admin", mode: "prod" })).status).toBe(400);
    expect((await admin.request("POST", "/v1/api-keys", { role: "admin", key: "sk_live_x" })).status).toBe(
      400,
    );
    for (let i = 0; i < 3; i++) await admin.request("POST", "/v1/api-keys", { role: "viewer" });
    const first = await admin.request("GET", "/v1/api-keys?limit=2");
    expect(first.body.data).toHaveLength(2);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await admin.request("GET", `/v1/api-keys?limit=2&cursor=${first.body.next_cursor}`);
    expect(second.body.data).toHaveLength(2);
    const ids = [...first.body.data, ...second.body.data].map((k: { id: string }) => k.id);
    expect(new Set(ids).size).toBe(4);
  });

  it("another organization's key ids are 404", async () => {
    const a = await createTestOrg(stack);
    const b = await createTestOrg(stack);
    const key = await a.request("POST", "/v1/api-keys", { role: "viewer" });
    expect((await b.request("DELETE", `/v1/api-keys/${key.body.id}`)).status).toBe(404);
    expect((await b.request("GET", "/v1/api-keys")).text).not.toContain(key.body.id);
    expect((await a.request("DELETE", "/v1/api-keys/key_nope")).status).toBe(404);
  });

  it("stores only hashes: the raw key is nowhere in the table", async () => {
    const admin = await createTestOrg(stack);
    const { ScanCommand } = await import("@aws-sdk/lib-dynamodb");
    const scan = await stack.deps.db.doc.send(new ScanCommand({ TableName: stack.deps.db.table }));
    expect(JSON.stringify(scan.Items)).not.toContain(admin.apiKey);
    expect(JSON.stringify(scan.Items)).not.toContain(admin.apiKey.slice(8));
  });
});

describe("bootstrapOrg", () => {
  it("is idempotent and never revives a revoked key", async () => {
    const orgId = uniqueOrg();
    const apiKey = generateApiKey("live");
    const first = await bootstrapOrg(stack.deps, { orgId, name: "Acme", apiKey });
    expect(first.created).toBe(true);
    expect(first.key?.role).toBe("admin");
    const again = await bootstrapOrg(stack.deps, { orgId, name: "Acme", apiKey });
    expect(again.created).toBe(false);
    expect(again.key?.id).toBe(first.key?.id);
    expect((await authenticate(stack.deps, apiKey)).orgId).toBe(orgId);

    const org = await createTestOrg(stack);
    const res = await org.request("GET", "/v1/api-keys", undefined, { authorization: `Bearer ${apiKey}` });
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(1);
    await org.request("DELETE", `/v1/api-keys/${first.key?.id}`, undefined, {
      authorization: `Bearer ${apiKey}`,
    });
    await bootstrapOrg(stack.deps, { orgId, name: "Acme", apiKey });
    await expect(authenticate(stack.deps, apiKey)).rejects.toMatchObject({ status: 401 });
  });

  it("refuses a malformed bootstrap key and one of another organization", async () => {
    await expect(
      bootstrapOrg(stack.deps, { orgId: uniqueOrg(), name: "x", apiKey: "secret" }),
    ).rejects.toThrow();
    const apiKey = generateApiKey("test");
    await bootstrapOrg(stack.deps, { orgId: uniqueOrg(), name: "x", apiKey });
    await expect(bootstrapOrg(stack.deps, { orgId: uniqueOrg(), name: "y", apiKey })).rejects.toThrow(
      /another organization/,
    );
  });
});
