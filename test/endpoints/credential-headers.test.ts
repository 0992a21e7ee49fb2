/**
 * Custom headers that carry credentials (issue #23 item 10): stored sealed like signing
 * secrets, sent in clear to the receiver, and shown redacted to every caller that may not read
 * secrets (viewer and member keys, portal sessions without `reveal_secret`), in the endpoint's
 * view and in an attempt's rebuilt request. Real delivery path: fauxqs, DynamoDB Local, a real
 * receiver.
 */
import { describe, expect, it } from "vitest";
import { createApiKey } from "../../core/auth/api-keys.js";
import { keys } from "../../core/store/keys.js";
import { callApp, createTestOrg, type TestOrg } from "../support/api.js";
import { enqueue, putMessageOf, rawItem, taskFor, waitForDelivery } from "../support/deliveries.js";
import { useHarness } from "../support/delivery.js";

const h = useHarness();

const HEADERS = { Authorization: "Bearer tok_live_9f8e7d", "X-Api-Key": "k_5c4b3a", "X-Tenant": "acme" };
const REDACTED = { Authorization: "[redacted]", "X-Api-Key": "[redacted]", "X-Tenant": "acme" };
/** The rebuilt request's headers are named as sent on the wire: lower case. */
const lower = (h: Record<string, string>) =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

/** Requests as another caller of the same organization: a viewer key or a portal session token. */
async function callers(org: TestOrg) {
  const viewer = (await createApiKey(h.deps, org.orgId, { name: "v", role: "viewer", mode: "test" })).raw;
  const session = async (capabilities?: string[]) =>
    (await org.request("POST", "/v1/portal-sessions", capabilities ? { capabilities } : {})).body
      .token as string;
  const as = (token: string) => (method: string, path: string, body?: unknown) =>
    callApp(org.app, method, path, body, { authorization: `Bearer ${token}` });
  return {
    viewer: as(viewer),
    viewOnly: as(await session(["view"])),
    portalDefault: as(await session()),
    portalReveal: as(await session(["view", "reveal_secret"])),
  };
}

describe("credential headers", () => {
  it("are stored sealed, sent in clear, and shown redacted to callers that may not read secrets", async () => {
    const org = await createTestOrg(h.stack);
    const r = await h.receiver();
    const created = await org.request("POST", "/v1/webhook-endpoints", { url: r.url, headers: HEADERS });
    expect(created.status, created.text).toBe(201);
    const ep = created.body;

    // At rest: every value sealed, names readable.
    const item = await rawItem(h.deps, keys.endpoint(org.orgId, ep.id));
    expect(Object.keys(item!.headers).sort()).toEqual(Object.keys(HEADERS).sort());
    for (const v of Object.values(item!.headers as Record<string, string>)) expect(v).toMatch(/^enc1:/);
    expect(JSON.stringify(item)).not.toContain("tok_live_9f8e7d");

    // The receiver gets the real values.
    const t = taskFor({ org_id: org.orgId, id: ep.id });
    await putMessageOf(h.deps, t);
    await enqueue(h.deps, t);
    const d = await waitForDelivery(h.deps, t, "succeeded", "failed", "retrying");
    expect(d, JSON.stringify(d)).toMatchObject({ status: "succeeded" });
    expect(r.requests[0]!.headers).toMatchObject({
      authorization: HEADERS.Authorization,
      "x-api-key": "k_5c4b3a",
    });
    const attempts = await org.request("GET", `/v1/events/${t.msg_id}/attempts`);
    const detail = `/v1/events/${t.msg_id}/endpoints/${ep.id}/attempts/${attempts.body.data[0].id}`;

    const c = await callers(org);
    for (const call of [c.viewer, c.viewOnly, c.portalDefault]) {
      const one = await call("GET", `/v1/webhook-endpoints/${ep.id}`);
      expect(one.status, one.text).toBe(200);
      expect(one.body.headers).toEqual(REDACTED);
      const list = await call("GET", "/v1/webhook-endpoints");
      expect(list.body.data.find((e: { id: string }) => e.id === ep.id).headers).toEqual(REDACTED);
      const sent = await call("GET", detail);
      expect(sent.status, sent.text).toBe(200);
      expect(sent.body.request.headers).toMatchObject(lower(REDACTED));
      expect(sent.body.request.headers["webhook-signature"]).toMatch(/^v1,/);
      for (const res of [one, list, sent]) expect(res.text).not.toMatch(/tok_live_9f8e7d|k_5c4b3a/);
    }
    // Admin keys and sessions allowed to read secrets see them.
    expect((await org.request("GET", `/v1/webhook-endpoints/${ep.id}`)).body.headers).toEqual(HEADERS);
    expect((await c.portalReveal("GET", `/v1/webhook-endpoints/${ep.id}`)).body.headers).toEqual(HEADERS);
    expect((await org.request("GET", detail)).body.request.headers).toMatchObject(lower(HEADERS));
  });

  it("a form that sends back the redacted view keeps the stored credentials", async () => {
    const org = await createTestOrg(h.stack);
    const ep = (
      await org.request("POST", "/v1/webhook-endpoints", { url: "https://example.com/h", headers: HEADERS })
    ).body;
    const c = await callers(org);
    const shown = (await c.portalDefault("GET", `/v1/webhook-endpoints/${ep.id}`)).body;
    const saved = await c.portalDefault("PATCH", `/v1/webhook-endpoints/${ep.id}`, {
      headers: { ...shown.headers, "X-Tenant": "other" },
    });
    expect(saved.status, saved.text).toBe(200);
    expect((await org.request("GET", `/v1/webhook-endpoints/${ep.id}`)).body.headers).toEqual({
      ...HEADERS,
      "X-Tenant": "other",
    });
  });
});
