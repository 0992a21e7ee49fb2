/**
 * Seed 002 served as its page documents it: each of its six curls sent as written (host and
 * key changed; its placeholder id `string` kept, which is a 404 in the page's error shape),
 * `{data}` answers with every documented field and type. docs/seeds.md, "Migrating from seed 002".
 */
import { describe, expect, it } from "vitest";
import { callApp, createTestOrg, type JsonBody, type TestOrg } from "../../support/api.js";
import { useHarness } from "../../support/delivery.js";

const h = useHarness();
const BASE = "/v1/backend/webhooks";
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** The page's endpoint object: every field with its JSON type. */
const webhookShape = {
  id: expect.any(String),
  url: expect.any(String),
  description: expect.any(String),
  event_types: expect.any(Array),
  enabled: expect.any(Boolean),
  created_at: expect.stringMatching(ISO),
};

/** A curl of the page: its method, path and body as written, plus the key. */
const curl = (
  org: TestOrg,
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
) => callApp(org.app, method, path, body, { "X-API-Key": org.apiKey, ...headers });

const notFound = (res: JsonBody) => {
  expect(res.status).toBe(404);
  expect(res.body).toEqual({ error: { code: "not_found", message: "endpoint not found" } });
};

describe("seed 002: /v1/backend/webhooks", () => {
  it("runs the page's curls: list, create, test, get, delete, secret", async () => {
    const org = await createTestOrg(h.stack);
    const empty = await curl(org, "GET", BASE);
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ data: [] });

    // The page's example body, as written: plain http is accepted with a test-mode key (as Stripe does).
    const example = await curl(org, "POST", BASE, '{ "url": "http://example.com" }', {
      "Content-Type": "application/json",
    });
    expect(example.status).toBe(201);
    expect(example.body).toEqual({ data: { ...webhookShape, secret: expect.stringMatching(/^whsec_/) } });
    expect(example.body.data).toMatchObject({ url: "http://example.com", event_types: [], enabled: true });
    expect((await curl(org, "DELETE", `${BASE}/${example.body.data.id}`)).status).toBe(204);

    const r = await h.receiver();
    const created = await curl(
      org,
      "POST",
      BASE,
      JSON.stringify({ url: r.url, event_types: ["conversation.completed"] }),
      {
        "Content-Type": "application/json",
      },
    );
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      data: { ...webhookShape, secret: expect.stringMatching(/^whsec_/) },
    });
    expect(created.body.data).toMatchObject({
      url: r.url,
      description: "",
      event_types: ["conversation.completed"],
      enabled: true,
    });
    const { id, secret } = created.body.data;

    const list = await curl(org, "GET", BASE);
    expect(list.body).toEqual({ data: [webhookShape] });
    expect(list.body.data[0]).toEqual({ ...created.body.data, secret: undefined, id });
    expect("secret" in list.body.data[0]).toBe(false);

    const test = await curl(org, "POST", `${BASE}/test`);
    expect(test.status).toBe(200);
    expect(test.body).toEqual({ data: { success: true, message_id: expect.any(String) } });
    const [req] = await r.waitForRequests(1);
    expect(req!.headers["webhook-id"]).toBe(test.body.data.message_id);
    expect(JSON.parse(req!.body).type).toBe("webhook.test");

    const one = await curl(org, "GET", `${BASE}/${id}`);
    expect(one.body).toEqual({ data: list.body.data[0] });
    const read = await curl(org, "GET", `${BASE}/${id}/secret`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ data: { secret } });
    // The same endpoint in the canonical API.
    expect((await org.request("GET", `/v1/webhook-endpoints/${id}`)).body.url).toBe(r.url);

    const gone = await curl(org, "DELETE", `${BASE}/${id}`);
    expect(gone.status).toBe(204);
    expect(gone.text).toBe("");
    notFound(await curl(org, "GET", `${BASE}/${id}`));
  });

  it("refuses the page's example body with a live-mode key: https only, in the page's error shape", async () => {
    const org = await createTestOrg(h.stack, "admin", "live");
    const example = await curl(org, "POST", BASE, '{ "url": "http://example.com" }', {
      "Content-Type": "application/json",
    });
    expect(example.status).toBe(400);
    expect(example.body).toEqual({ error: { code: "invalid_url", message: "url must use https" } });
    expect((await curl(org, "GET", BASE)).body).toEqual({ data: [] });
  });

  it("answers the page's error shape for its placeholder ids, a missing key and a bad body", async () => {
    const org = await createTestOrg(h.stack);
    notFound(await curl(org, "GET", `${BASE}/string`));
    notFound(await curl(org, "DELETE", `${BASE}/string`));
    notFound(await curl(org, "GET", `${BASE}/string/secret`));
    const noKey = await callApp(org.app, "GET", BASE);
    expect(noKey.status).toBe(401);
    expect(noKey.body.error).toMatchObject({ code: "unauthorized", message: expect.any(String) });
    const bad = await org.request("POST", BASE, { url: "https://a.example.com", event_types: "x" });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: "validation_error", message: expect.any(String) });
    // With no endpoint, the test event reaches nobody: success false.
    const test = await org.request("POST", `${BASE}/test`);
    expect(test.body.data.success).toBe(false);
    // A member may send the test event, not create; a disabled endpoint is created as such.
    const member = await createTestOrg(h.stack, "member");
    expect((await member.request("POST", BASE, { url: "https://a.example.com" })).status).toBe(403);
    const off = await org.request("POST", BASE, {
      url: "https://a.example.com",
      enabled: false,
      description: "d",
    });
    expect(off.body.data).toMatchObject({ enabled: false, description: "d" });
  });
});
