/** /v1/organizations: the platform operator creates tenants; nobody else may. */
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { fileKeyWrapper } from "../../core/store/key-wrap.js";
import { keys } from "../../core/store/keys.js";
import { createSecretsAtRest, SecretUnreadableError } from "../../core/store/secrets-at-rest.js";
import { callApp, createTestOrg, type TestOrg } from "../support/api.js";
import { createTestStack, type TestStack, uniqueOrg } from "../support/stack.js";

let stack: TestStack;
let platform: TestOrg;

beforeAll(async () => {
  const platformOrg = uniqueOrg();
  stack = await createTestStack({ PLATFORM_ORG_ID: platformOrg });
  // createTestOrg makes a fresh org; promote it by making it the configured platform org.
  platform = await createTestOrg(stack);
  stack.deps.config.platformOrgId = platform.orgId;
});

describe("organizations", () => {
  it("creates a tenant whose first admin key works and sees only its own data", async () => {
    const id = `acme-${Date.now().toString(36)}`;
    const res = await platform.request("POST", "/v1/organizations", { id, name: "Acme" });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id, name: "Acme", api_key: { role: "admin" } });
    const key: string = res.body.api_key.key;
    expect(key).toMatch(/^sk_live_/);

    const asTenant = (method: string, path: string, body?: unknown) =>
      callApp(platform.app, method, path, body, { authorization: `Bearer ${key}` });
    const created = await asTenant("POST", "/v1/webhook-endpoints", { url: "https://example.com/hook" });
    expect(created.status).toBe(201);
    const list = await asTenant("GET", "/v1/webhook-endpoints");
    expect(list.body.data).toHaveLength(1);
    // The platform's own key does not see the tenant's endpoints.
    expect((await platform.request("GET", `/v1/webhook-endpoints/${created.body.id}`)).status).toBe(404);
    // A tenant admin may not manage organizations.
    expect((await asTenant("POST", "/v1/organizations", { name: "Evil" })).status).toBe(403);
    expect((await asTenant("GET", "/v1/organizations")).status).toBe(403);
  });

  it("lists and reads organizations, and refuses a duplicate id with 409", async () => {
    const id = `dup-${Date.now().toString(36)}`;
    expect((await platform.request("POST", "/v1/organizations", { id, name: "One" })).status).toBe(201);
    const again = await platform.request("POST", "/v1/organizations", { id, name: "Two" });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("organization_exists");

    const got = await platform.request("GET", `/v1/organizations/${id}`);
    expect(got.body).toEqual({ id, name: "One", created_at: expect.any(String) });
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await platform.request(
        "GET",
        `/v1/organizations?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(page.status).toBe(200);
      ids.push(...page.body.data.map((o: { id: string }) => o.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(ids).toContain(id);
    expect((await platform.request("GET", "/v1/organizations/nope")).status).toBe(404);
  });

  it("generates an id when none is given and rejects bad ids and unknown fields", async () => {
    const res = await platform.request("POST", "/v1/organizations", { name: "Generated" });
    expect(res.status).toBe(201);
    expect(res.body.id).toMatch(/^org_/);
    expect((await platform.request("POST", "/v1/organizations", { id: "Bad Id!", name: "x" })).status).toBe(
      400,
    );
    expect((await platform.request("POST", "/v1/organizations", { name: "x", plan: "pro" })).status).toBe(
      400,
    );
  });

  it("is refused to members and viewers of the platform organization", async () => {
    const viewer = await createTestOrg(stack, "viewer");
    expect((await viewer.request("GET", "/v1/organizations")).status).toBe(403);
  });

  it("deletes an organization: its keys stop working, its endpoints go, its stored secrets become unreadable", async () => {
    const id = `gone-${Date.now().toString(36)}`;
    const res = await platform.request("POST", "/v1/organizations", { id, name: "Gone" });
    const key: string = res.body.api_key.key;
    const asTenant = (method: string, path: string, body?: unknown) =>
      callApp(platform.app, method, path, body, { authorization: `Bearer ${key}` });
    const ep = await asTenant("POST", "/v1/webhook-endpoints", { url: "https://example.com/hook" });
    expect(ep.status).toBe(201);
    const portal = await asTenant("POST", "/v1/portal-sessions", {});
    expect(portal.status).toBe(201);
    const raw = async (k: { pk: string; sk: string }) =>
      (await stack.deps.db.doc.send(new GetCommand({ TableName: stack.deps.db.table, Key: k }))).Item;
    const storedSecret = String((await raw(keys.endpoint(id, ep.body.id)))!.secret);
    expect(storedSecret).toMatch(/^enc1:/);

    // Only platform admins; never the platform organization itself.
    expect((await asTenant("DELETE", `/v1/organizations/${id}`)).status).toBe(403);
    const self = await platform.request("DELETE", `/v1/organizations/${platform.orgId}`);
    expect(self.status).toBe(409);
    expect(self.body.error.code).toBe("platform_organization");

    expect((await platform.request("DELETE", `/v1/organizations/${id}`)).status).toBe(204);
    // Its credentials no longer work: API key and portal session alike.
    expect((await asTenant("GET", "/v1/webhook-endpoints")).status).toBe(401);
    const session = await callApp(platform.app, "GET", "/v1/portal-sessions/current", undefined, {
      authorization: `Bearer ${portal.body.token}`,
    });
    expect(session.status).toBe(401);
    // Its endpoints are gone, and the secret a backup holds no longer decrypts (no data key).
    expect(await raw(keys.endpoint(id, ep.body.id))).toBeUndefined();
    expect(await raw(keys.dataKey(id))).toBeUndefined();
    const cold = createSecretsAtRest(stack.deps.db, () => fileKeyWrapper(stack.config.secrets.keyFile!));
    await expect(cold.decrypt(id, storedSecret)).rejects.toBeInstanceOf(SecretUnreadableError);
    // It is not readable any more, and its id is never reused.
    expect((await platform.request("GET", `/v1/organizations/${id}`)).status).toBe(404);
    expect((await platform.request("DELETE", `/v1/organizations/${id}`)).status).toBe(404);
    const again = await platform.request("POST", "/v1/organizations", { id, name: "New owner" });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("organization_exists");
  });
});
