/**
 * Seed 000 (thinnest.ai) served as its page documents it: the page's curl sent byte for byte
 * (only host and key changed), every documented field and type compared, and its errors.
 * docs/seeds.md, "Migrating from thinnest.ai".
 */
import { describe, expect, it } from "vitest";
import { callApp, createTestOrg } from "../../support/api.js";
import { useHarness } from "../../support/delivery.js";
import { expectSignedWith } from "./signed.js";

const h = useHarness();

// The page's `-d` argument, verbatim.
const EXAMPLE = `{
  "url": "https://your-app.com/webhooks/thinnestai",
  "event_types": [
    "chat.message.completed",
    "voice.call.ended"
  ],
  "description": "Production webhook",
  "max_retries": 3,
  "timeout_ms": 5000
}`;

const NAIVE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/;

describe("seed 000: POST /webhooks/endpoints", () => {
  it("answers the page's example with {status, endpoint} and every documented field and type", async () => {
    const org = await createTestOrg(h.stack);
    const res = await callApp(org.app, "POST", "/webhooks/endpoints", EXAMPLE, {
      Authorization: `Bearer ${org.apiKey}`,
      "Content-Type": "application/json",
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: "success",
      endpoint: {
        id: 1,
        url: "https://your-app.com/webhooks/thinnestai",
        secret: expect.stringMatching(/^[0-9a-f]{64}$/),
        event_types: ["chat.message.completed", "voice.call.ended"],
        agent_id: null,
        description: "Production webhook",
        is_active: true,
        max_retries: 3,
        timeout_ms: 5000,
        created_at: expect.stringMatching(NAIVE),
      },
    });
    // The same endpoint in the canonical API; its secret is never shown again.
    const list = await org.request("GET", "/v1/webhook-endpoints");
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0]).toMatchObject({
      url: "https://your-app.com/webhooks/thinnestai",
      max_retries: 3,
    });
    const again = await org.request("GET", "/webhooks/endpoints/1");
    expect(again.status).toBe(200);
    expect(again.body.endpoint).toEqual({ ...res.body.endpoint, secret: undefined });
    expect("secret" in again.body.endpoint).toBe(false);
  });

  it("defaults: agent_id null, description null, 3 retries, 5000 ms; integers count per organization", async () => {
    const org = await createTestOrg(h.stack);
    const other = await createTestOrg(h.stack);
    const body = { url: "https://a.example.com/h", event_types: [] };
    await other.request("POST", "/webhooks/endpoints", body);
    // One made through the canonical API gets its integer when a profile first sees it.
    const canonical = await org.request("POST", "/v1/webhook-endpoints", { url: "https://b.example.com/h" });
    const res = await org.request("POST", "/webhooks/endpoints", { ...body, agent_id: 42 });
    expect(res.body.endpoint).toMatchObject({
      id: 2,
      agent_id: 42,
      description: null,
      max_retries: 3,
      timeout_ms: 5000,
    });
    const listed = await org.request("GET", "/webhooks/endpoints");
    expect(listed.body.endpoints.map((e: { id: number }) => e.id)).toEqual([1, 2]);
    expect(listed.body.endpoints[0].url).toBe("https://b.example.com/h");
    expect((await org.request("GET", "/webhooks/endpoints/1")).body.endpoint.url).toBe(canonical.body.url);
    // Another organization's number 1 is not found here; deleting goes through the one service.
    expect((await org.request("GET", "/webhooks/endpoints/3")).status).toBe(404);
    expect((await org.request("DELETE", "/webhooks/endpoints/2")).body).toEqual({ status: "success" });
    expect((await org.request("GET", `/v1/webhook-endpoints/${canonical.body.id}`)).status).toBe(200);
    expect((await org.request("GET", "/v1/webhook-endpoints")).body.data).toHaveLength(1);
  });

  it("signs deliveries with the hex secret as the raw HMAC key", async () => {
    const org = await createTestOrg(h.stack);
    const r = await h.receiver();
    const res = await org.request("POST", "/webhooks/endpoints", {
      url: r.url,
      event_types: ["voice.call.ended"],
    });
    await org.request("POST", "/v1/events", { type: "voice.call.ended", data: {} });
    const [req] = await r.waitForRequests(1);
    expectSignedWith(req!, Buffer.from(res.body.endpoint.secret, "utf8"));
  });

  it("answers the page's errors: 400 not HTTPS / event types / 20 endpoints, 401, 422", async () => {
    const org = await createTestOrg(h.stack, "admin", "live"); // live: a test key may use plain http
    const post = (body: unknown, headers?: Record<string, string>) =>
      org.request("POST", "/webhooks/endpoints", body, headers);
    const notHttps = await post({ url: "http://your-app.com/x", event_types: [] });
    expect(notHttps.status).toBe(400);
    expect(notHttps.body).toEqual({ detail: expect.stringContaining("https") });
    const badType = await post({ url: "https://a.com", event_types: ["nope.nope"] });
    expect(badType.status).toBe(400);
    expect(badType.body.detail).toContain("nope.nope");
    const noKey = await callApp(org.app, "POST", "/webhooks/endpoints", EXAMPLE);
    expect(noKey.status).toBe(401);
    expect(noKey.body).toEqual({ detail: "Not authenticated" });
    const badKey = await post(EXAMPLE, { authorization: "Bearer sk_test_nope" });
    expect(badKey.status).toBe(401);
    expect(typeof badKey.body.detail).toBe("string");

    const invalid = await post({ event_types: [], max_retries: 6 });
    expect(invalid.status).toBe(422);
    expect(invalid.body.detail).toEqual(
      expect.arrayContaining([
        { loc: ["body", "url"], msg: "Field required", type: "missing" },
        {
          loc: ["body", "max_retries"],
          msg: "Input should be less than or equal to 5",
          type: "less_than_equal",
        },
      ]),
    );
    for (let i = 0; i < 20; i++)
      expect((await post({ url: `https://a.com/${i}`, event_types: [] })).status).toBe(200);
    const full = await post({ url: "https://a.com/21", event_types: [] });
    expect(full.status).toBe(400);
    expect(full.body.detail).toContain("20");
  });
});
