/**
 * Seed 004 served as its page documents it: `POST /v1/webhooks/endpoints` with `X-API-Key`,
 * 200 `{endpoint, secret}` with every documented field and JSON type, the page's defaults and
 * bounds, and 422 `{detail: [{loc, msg, type}]}`. docs/seeds.md, "Migrating from seed 004".
 */
import { describe, expect, it } from "vitest";
import { callApp, createTestOrg, type JsonBody } from "../../support/api.js";
import { useHarness } from "../../support/delivery.js";

const h = useHarness();
const PATH = "/v1/webhooks/endpoints";
const DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

/** The page's response schema: every field with its JSON type (null where it is nullable). */
function expectEndpointShape(e: JsonBody) {
  expect(e).toEqual({
    id: expect.any(String),
    user_id: expect.any(Number),
    url: expect.any(String),
    description: e.description === null ? null : expect.any(String),
    status: expect.any(String),
    enabled: expect.any(Boolean),
    subscribed_event_patterns: expect.any(Array),
    signing_version: expect.any(String),
    secret_hint: expect.any(String),
    timeout_seconds: expect.any(Number),
    max_retries: expect.any(Number),
    consecutive_failures: expect.any(Number),
    last_verified_at: null,
    last_delivery_at: null,
    last_error: null,
    created_at: expect.stringMatching(DATE_TIME),
    updated_at: expect.stringMatching(DATE_TIME),
  });
  expect(Number.isInteger(e.user_id)).toBe(true);
}

describe("seed 004: POST /v1/webhooks/endpoints", () => {
  it("creates with X-API-Key: 200 {endpoint, secret}, the page's defaults and types", async () => {
    const org = await createTestOrg(h.stack);
    const res = await callApp(org.app, "POST", PATH, '{"url": "https://example.com/hooks"}', {
      "X-API-Key": org.apiKey,
      "Content-Type": "application/json",
    });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(["endpoint", "secret"]);
    expectEndpointShape(res.body.endpoint);
    expect(res.body.endpoint).toMatchObject({
      url: "https://example.com/hooks",
      description: null,
      status: "active",
      enabled: true,
      subscribed_event_patterns: [],
      signing_version: "v1",
      secret_hint: `whsec_…${res.body.secret.slice(-6)}`,
      timeout_seconds: 10,
      max_retries: 7,
      consecutive_failures: 0,
    });
    expect(res.body.secret).toMatch(/^whsec_/);
    // The same endpoint in the canonical API, under the same id.
    const canonical = await org.request("GET", `/v1/webhook-endpoints/${res.body.endpoint.id}`);
    expect(canonical.body).toMatchObject({
      timeout_ms: 10_000,
      max_retries: 7,
      url: "https://example.com/hooks",
    });
    const again = await org.request("GET", `${PATH}/${res.body.endpoint.id}`);
    expect(again.body).toEqual({ endpoint: res.body.endpoint });
  });

  it("takes every request field; user_id is the organization's own integer", async () => {
    const org = await createTestOrg(h.stack);
    const body = {
      url: "https://example.com/all",
      description: "Orders",
      event_patterns: ["telephony.*", "voice.call.ended"],
      timeout_seconds: 3,
      max_retries: 1,
    };
    const res = await callApp(org.app, "POST", PATH, body, { "x-api-key": org.apiKey });
    expect(res.status, res.text).toBe(200);
    expect(res.body.endpoint).toMatchObject({
      description: "Orders",
      subscribed_event_patterns: ["telephony.*", "voice.call.ended"],
      timeout_seconds: 3,
      max_retries: 1,
    });
    const second = await org.request("POST", PATH, { url: "https://example.com/2", event_patterns: null });
    expect(second.body.endpoint.user_id).toBe(res.body.endpoint.user_id);
    expect(second.body.endpoint.subscribed_event_patterns).toEqual([]);
    const other = await createTestOrg(h.stack);
    const theirs = await other.request("POST", PATH, { url: "https://example.com/3" });
    expect(theirs.body.endpoint.user_id).not.toBe(res.body.endpoint.user_id);
    const list = await org.request("GET", PATH);
    expect(list.body.endpoints.map((e: JsonBody) => e.url)).toEqual([
      "https://example.com/all",
      "https://example.com/2",
    ]);
    for (const e of list.body.endpoints) expectEndpointShape(e);
    expect((await other.request("GET", `${PATH}/${res.body.endpoint.id}`)).status).toBe(404);
    expect((await org.request("DELETE", `${PATH}/${res.body.endpoint.id}`)).status).toBe(204);
    expect((await org.request("GET", `/v1/webhook-endpoints/${res.body.endpoint.id}`)).status).toBe(404);
  });

  it("answers 422 {detail: [{loc, msg, type}]} for the page's bounds, and FastAPI's 401", async () => {
    const org = await createTestOrg(h.stack, "admin", "live"); // live: a test key may use plain http
    const bad = await org.request("POST", PATH, { timeout_seconds: 61, max_retries: 0, event_patterns: "x" });
    expect(bad.status).toBe(422);
    expect(bad.body.detail).toEqual(
      expect.arrayContaining([
        { loc: ["body", "url"], msg: "Field required", type: "missing" },
        {
          loc: ["body", "timeout_seconds"],
          msg: "Input should be less than or equal to 60",
          type: "less_than_equal",
        },
        {
          loc: ["body", "max_retries"],
          msg: "Input should be greater than or equal to 1",
          type: "greater_than_equal",
        },
      ]),
    );
    for (const d of bad.body.detail) expect(Object.keys(d).sort()).toEqual(["loc", "msg", "type"]);
    const extra = await org.request("POST", PATH, { url: "https://example.com", secret: "x" });
    expect(extra.body.detail).toEqual([
      { loc: ["body", "secret"], msg: "Extra inputs are not permitted", type: "extra_forbidden" },
    ]);
    const malformed = await org.request("POST", PATH, "{not json");
    expect(malformed.status).toBe(422);
    expect(malformed.body.detail[0].type).toBe("json_invalid");
    const noKey = await callApp(org.app, "POST", PATH, { url: "https://example.com" });
    expect(noKey.status).toBe(401);
    expect(noKey.body).toEqual({ detail: "Not authenticated" });
    const notHttps = await org.request("POST", PATH, { url: "http://example.com" });
    expect(notHttps.status).toBe(400);
    expect(notHttps.body).toEqual({ detail: expect.stringContaining("https") });
  });
});
