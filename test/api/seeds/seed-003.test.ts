/**
 * Seed 003 (talkover.ai) served as its page documents it: the page's curl sent byte for byte
 * (host and token changed), `{success, message, data}` with every documented `data` field and
 * type, the page's validation rules with Laravel's 422 body, its 401 and 404 bodies, and the
 * raw `webhook_secret` signing deliveries. docs/seeds.md, "Migrating from talkover.ai".
 */
import { describe, expect, it } from "vitest";
import { callApp, createTestOrg, type JsonBody } from "../../support/api.js";
import { useHarness } from "../../support/delivery.js";
import { expectSignedWith } from "./signed.js";

const h = useHarness();
const AGENT = "9fbef0b7-8d4e-4a08-9207-66c22155721d";
const PATH = `/api/v1/agents/${AGENT}/webhooks`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const MICROS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

// The page's `-d` argument, verbatim.
const EXAMPLE = `{
    "name": "My Webhook",
    "webhook_url": "https://example.com/webhook",
    "webhook_secret": "optional_secret_for_hmac",
    "events": ["event_phone_call_started", "event_phone_call_ended"],
    "timeout": 30,
    "max_retries": 3,
    "enabled": true
  }`;

/** The page's `data` object: its twelve fields with their types. */
const dataShape = (d: JsonBody) =>
  expect(d).toEqual({
    id: expect.stringMatching(UUID),
    agent_id: expect.any(String),
    name: expect.any(String),
    webhook_url: expect.any(String),
    events: expect.any(Array),
    timeout: expect.any(Number),
    max_retries: expect.any(Number),
    enabled: expect.any(Boolean),
    created_at: expect.stringMatching(MICROS),
    updated_at: expect.stringMatching(MICROS),
    events_count: expect.any(Number),
    status: expect.any(String),
  });

describe("seed 003: /api/v1/agents/{agent_id}/webhooks", () => {
  it("answers the page's example with {success, message, data} and every documented field", async () => {
    const org = await createTestOrg(h.stack);
    const res = await callApp(org.app, "POST", PATH, EXAMPLE, {
      Authorization: `Bearer ${org.apiKey}`,
      "Content-Type": "application/json",
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      success: true,
      message: "Webhook created successfully",
      data: expect.any(Object),
    });
    dataShape(res.body.data);
    expect(res.body.data).toMatchObject({
      agent_id: AGENT,
      name: "My Webhook",
      webhook_url: "https://example.com/webhook",
      events: ["event_phone_call_started", "event_phone_call_ended"],
      timeout: 30,
      max_retries: 3,
      enabled: true,
      updated_at: res.body.data.created_at,
      events_count: 2,
      status: "active",
    });
    const id = res.body.data.id;
    // The same endpoint in the canonical API, scoped to the agent.
    const canonical = (await org.request("GET", "/v1/webhook-endpoints")).body.data[0];
    expect(canonical).toMatchObject({ agent_id: AGENT, label: "My Webhook", timeout_ms: 30_000 });

    const list = await org.request("GET", PATH);
    expect(list.body).toEqual({
      success: true,
      message: "Webhooks retrieved successfully",
      data: [res.body.data],
    });
    const one = await org.request("GET", `${PATH}/${id}`);
    expect(one.body.data).toEqual(res.body.data);
    const put = await org.request("PUT", `${PATH}/${id}`, { timeout: 5, enabled: false });
    expect(put.body).toMatchObject({ success: true, message: "Webhook updated successfully" });
    dataShape(put.body.data);
    expect(put.body.data).toMatchObject({
      timeout: 5,
      enabled: false,
      status: "disabled",
      name: "My Webhook",
    });
    const gone = await org.request("DELETE", `${PATH}/${id}`);
    expect(gone.status).toBe(200);
    expect(gone.body).toEqual({ success: true, message: "Webhook deleted successfully" });
    const after = await org.request("GET", `${PATH}/${id}`);
    expect(after.status).toBe(404);
    expect(after.body).toEqual({ success: false, message: "Webhook not found." });
  });

  it("defaults timeout 30, max_retries 3, enabled true; another agent's webhook is not found", async () => {
    const org = await createTestOrg(h.stack);
    const res = await org.request("POST", PATH, {
      name: "Minimal",
      webhook_url: "https://example.com/m",
      events: ["event_phone_call_ended"],
    });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ timeout: 30, max_retries: 3, enabled: true, events_count: 1 });
    const other = "0b9e4c1e-1111-4222-8333-444455556666";
    expect((await org.request("GET", `/api/v1/agents/${other}/webhooks`)).body.data).toEqual([]);
    expect((await org.request("GET", `/api/v1/agents/${other}/webhooks/${res.body.data.id}`)).status).toBe(
      404,
    );
  });

  it("signs deliveries with webhook_secret as the raw HMAC key; the test route sends one", async () => {
    const org = await createTestOrg(h.stack);
    const r = await h.receiver();
    const res = await org.request("POST", PATH, {
      name: "Local",
      webhook_url: r.url,
      webhook_secret: "optional_secret_for_hmac",
      events: ["event_phone_call_started"],
    });
    const test = await org.request("POST", `${PATH}/${res.body.data.id}/test`);
    expect(test.status).toBe(200);
    expect(test.body).toMatchObject({ success: true, data: { message_id: expect.any(String) } });
    await org.request("POST", "/v1/events", { type: "event_phone_call_started", agent_id: AGENT, data: {} });
    const got = await r.waitForRequests(2);
    for (const req of got) expectSignedWith(req, Buffer.from("optional_secret_for_hmac", "utf8"));
  });

  it("answers the page's error bodies: 401 Missing Bearer Token, 404 agent, 422 validation", async () => {
    const org = await createTestOrg(h.stack, "admin", "live"); // live: a test key may use plain http
    const noToken = await callApp(org.app, "POST", PATH, EXAMPLE, { "Content-Type": "application/json" });
    expect(noToken.status).toBe(401);
    expect(noToken.body).toEqual({ message: "Missing Bearer Token" });
    const badToken = await callApp(org.app, "POST", PATH, EXAMPLE, { Authorization: "Bearer nope" });
    expect(badToken.status).toBe(401);
    expect(badToken.body).toEqual({ message: "Unauthenticated." });
    const noAgent = await org.request("POST", "/api/v1/agents/not-an-agent/webhooks", EXAMPLE);
    expect(noAgent.status).toBe(404);
    expect(noAgent.body).toEqual({ success: false, message: "Agent not found in this environment." });

    const page = await org.request("POST", PATH, { name: "x", events: [] });
    expect(page.status).toBe(422);
    expect(page.body).toEqual({
      message: "The given data was invalid.",
      errors: {
        webhook_url: ["The webhook url field is required."],
        events: ["The events field must contain at least 1 items."],
      },
    });
    const rules = await org.request("POST", PATH, {
      name: "n".repeat(256),
      webhook_url: `https://example.com/${"u".repeat(500)}`,
      webhook_secret: "s".repeat(256),
      events: ["event_phone_call_started"],
      timeout: 4,
      max_retries: 11,
      enabled: "yes",
    });
    expect(rules.status).toBe(422);
    expect(rules.body.errors).toEqual({
      name: ["The name field must not be greater than 255 characters."],
      webhook_url: ["The webhook url field must not be greater than 500 characters."],
      webhook_secret: ["The webhook secret field must not be greater than 255 characters."],
      timeout: ["The timeout field must be between 5 and 120."],
      max_retries: ["The max retries field must be between 0 and 10."],
      enabled: ["The enabled field must be true or false."],
    });
    const unknown = await org.request("POST", PATH, {
      name: "x",
      webhook_url: "http://example.com/plain",
      events: ["event_phone_call_started", "nope"],
    });
    expect(unknown.status).toBe(422);
    expect(Object.keys(unknown.body.errors)).toEqual(["webhook_url"]);
    const badEvent = await org.request("POST", PATH, {
      name: "x",
      webhook_url: "https://example.com/e",
      events: ["event_phone_call_started", "nope"],
    });
    expect(badEvent.body.errors).toEqual({ "events.1": ["The selected events.1 is invalid."] });
    // A field named __proto__ is a field like any other (found by test/security/fuzz.slow.test.ts: was a 500).
    const proto = await org.request("POST", PATH, '{"__proto__": true, "name": "x"}');
    expect(proto.status).toBe(422);
    expect(Object.keys(proto.body.errors)).toEqual(["webhook_url", "events", "__proto__"]);
    expect(Object.entries(proto.body.errors).at(-1)).toEqual([
      "__proto__",
      ["The   proto   field is prohibited."],
    ]);
  });
});
