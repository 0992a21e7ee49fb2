/**
 * A deleted organization stays deleted (issue #23, items 15 and 16): no path that takes its id
 * brings it back (portal sessions, bootstrap, API keys, ingest), a create racing the deletion
 * loses to its tombstone, and a leftover sealed under the forgotten key never answers 500.
 */
import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { createEndpoint } from "../../core/endpoints/service.js";
import { claimEvent } from "../../core/events/ingest.js";
import type { ServiceError } from "../../core/model/index.js";
import { bootstrapOrg, deleteOrganization } from "../../core/orgs/index.js";
import { keys } from "../../core/store/keys.js";
import { raiseShards } from "../../core/store/shard-plans.js";
import { callApp, createTestOrg, type TestOrg } from "../support/api.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
let platform: TestOrg;

beforeAll(async () => {
  stack = await createTestStack();
  platform = await createTestOrg(stack);
  stack.deps.config.platformOrgId = platform.orgId;
});

async function newTenant(prefix: string) {
  const id = `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const res = await platform.request("POST", "/v1/organizations", { id, name: prefix });
  expect(res.status).toBe(201);
  const key: string = res.body.api_key.key;
  const asTenant = (method: string, path: string, body?: unknown) =>
    callApp(platform.app, method, path, body, { authorization: `Bearer ${key}` });
  return { id, asTenant };
}

const endpointItems = async (org: string) =>
  (
    await stack.deps.db.doc.send(
      new QueryCommand({
        TableName: stack.deps.db.table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :ep)",
        ExpressionAttributeValues: { ":pk": `ORG#${org}`, ":ep": "EP#" },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return "ok";
  } catch (err) {
    return (err as ServiceError).code ?? (err as Error).message;
  }
};

describe("a deleted organization", () => {
  it("is refused on every path that takes its id: portal sessions, bootstrap, API keys, ingest", async () => {
    const { id } = await newTenant("gone");
    expect((await platform.request("DELETE", `/v1/organizations/${id}`)).status).toBe(204);

    const session = await platform.request("POST", "/v1/portal-sessions", { org_id: id });
    expect(session.status).toBe(404);
    expect(session.body.error.code).toBe("not_found");
    expect((await platform.request("DELETE", `/v1/portal-sessions/ps_x?org_id=${id}`)).status).toBe(404);

    await expect(bootstrapOrg(stack.deps, { orgId: id, name: "again" })).rejects.toThrow(/was deleted/);
    await expect(
      bootstrapOrg(stack.deps, { orgId: id, name: "again", apiKey: `sk_test_${"b".repeat(32)}` }),
    ).rejects.toThrow(/was deleted/);
    // The stores refuse too, whoever calls them (a create that passed its checks before the DELETE).
    expect(
      await codeOf(
        stack.deps.apiKeyStore.put({
          org_id: id,
          id: "key_late",
          name: null,
          role: "admin",
          mode: "test",
          prefix: "sk_test_late",
          key_hash: "f".repeat(64),
          created_at: new Date().toISOString(),
          revoked_at: null,
        }),
      ),
    ).toBe("not_found");
    expect(await codeOf(stack.deps.apiKeyStore.getByHash("f".repeat(64)))).toBe("ok");
    expect(await stack.deps.apiKeyStore.getByHash("f".repeat(64))).toBeUndefined();

    // Producers on the ingest queue: dead-lettered with the reason, nothing stored.
    stack.deps.endpoints.invalidate(id);
    const claimed = claimEvent(stack.deps, { org_id: id, type: "webhook.test", data: {} });
    expect(await codeOf(claimed)).toBe("organization_deleted");
  });

  it("wins the race with an endpoint create: the create that committed after the listing is refused", async () => {
    const { id, asTenant } = await newTenant("race");
    expect((await asTenant("POST", "/v1/webhook-endpoints", { url: "https://example.com/a" })).status).toBe(
      201,
    );
    // The interleaving that lost endpoints before: a create (its auth checked before the DELETE)
    // commits after the deletion listed what to remove.
    let late = "";
    const racing = {
      ...stack.deps,
      orgStore: {
        ...stack.deps.orgStore,
        credentialIds: async (org: string) => {
          const ids = await stack.deps.orgStore.credentialIds(org);
          late = await codeOf(
            createEndpoint(stack.deps, org, { url: "https://example.com/late", signing_version: "v1a" }),
          );
          return ids;
        },
      },
    };
    await deleteOrganization(racing, id);
    expect(late).toBe("not_found");
    expect(await endpointItems(id)).toEqual([]);
    // The deleted organization has no data key again (the refused create's encryption made none that stays).
    const dataKey = await stack.deps.db.doc.send(
      new GetCommand({ TableName: stack.deps.db.table, Key: keys.dataKey(id), ConsistentRead: true }),
    );
    expect(dataKey.Item).toBeUndefined();
    expect((await platform.request("DELETE", `/v1/organizations/${id}`)).status).toBe(404);
  });

  it("takes its message shard plan (ORG#{org} / SHARDS) with it", async () => {
    const { id } = await newTenant("sharded");
    expect(await raiseShards(stack.deps.db, id, 32, Date.now())).toBeDefined();
    const plan = () =>
      stack.deps.db.doc.send(
        new GetCommand({ TableName: stack.deps.db.table, Key: keys.shardPlan(id), ConsistentRead: true }),
      );
    expect((await plan()).Item).toBeDefined();
    expect((await platform.request("DELETE", `/v1/organizations/${id}`)).status).toBe(204);
    expect((await plan()).Item).toBeUndefined();
  });

  it("never answers 500 for an endpoint sealed under a forgotten key: 404 and skipped", async () => {
    const org = await createTestOrg(stack);
    const kept = await org.request("POST", "/v1/webhook-endpoints", { url: "https://example.com/k" });
    const ep = await org.request("POST", "/v1/webhook-endpoints", {
      url: "https://example.com/v1a",
      signing_version: "v1a",
    });
    expect(ep.status).toBe(201);
    // A leftover: its organization's data key is gone (what a create that slipped past deletion leaves).
    await stack.deps.db.secrets.forgetOrganization(org.orgId);
    const jwks = await callApp(org.app, "GET", `/jwks/${org.orgId}/${ep.body.id}`);
    expect(jwks.status).toBe(404);
    const list = await org.request("GET", "/v1/webhook-endpoints");
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([]);
    expect((await org.request("GET", `/v1/webhook-endpoints/${kept.body.id}`)).status).toBe(404);
    expect(await stack.deps.endpointStore.listAll(org.orgId)).toEqual([]);
  });
});
