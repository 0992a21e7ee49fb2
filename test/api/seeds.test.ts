/**
 * Each seed's example request (the product pages this API was specified from), sent as
 * written with only host and path mapped, and every response field the seed documents
 * checked. What maps to what, and why some fields are not offered: docs/seeds.md.
 * Deliveries go only to real receivers on 127.0.0.1 (the seeds' own URLs never get events).
 */
import { Webhook } from "standardwebhooks";
import { describe, expect, it, vi } from "vitest";
import { createApp } from "../../core/api/app.js";
import { logger } from "../../core/log/logger.js";
import { callApp, createTestOrg, type JsonBody, type TestOrg } from "../support/api.js";
import { useHarness } from "../support/delivery.js";
import { waitFor } from "../support/wait.js";
import { expectSignedWith } from "./seeds/signed.js";

const h = useHarness();
const PATH = "/v1/webhook-endpoints";
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** Seed 003's example types are in every organization's default catalog (no registration needed). */
async function expectInCatalog(org: TestOrg, names: string[]) {
  const catalog = await org.request("GET", "/v1/event-types?limit=100");
  const listed = catalog.body.data.map((t: { name: string }) => t.name);
  for (const name of names) expect(listed).toContain(name);
}

describe("seed 000 (thinnest.ai): POST /webhooks/endpoints", () => {
  it("creates from the example body and answers every documented field", async () => {
    const org = await createTestOrg(h.stack);
    const res = await org.request("POST", PATH, {
      url: "https://your-app.com/webhooks/thinnestai",
      event_types: ["chat.message.completed", "voice.call.ended"],
      description: "Production webhook",
      max_retries: 3,
      timeout_ms: 5000,
    });
    expect(res.status).toBe(201);
    // The seed's 10 endpoint fields (its `{status, endpoint}` envelope is this API's flat object).
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^ep_/),
      url: "https://your-app.com/webhooks/thinnestai",
      secret: expect.stringMatching(/^whsec_/),
      event_types: ["chat.message.completed", "voice.call.ended"],
      agent_id: null,
      description: "Production webhook",
      is_active: true,
      max_retries: 3,
      timeout_ms: 5000,
      created_at: expect.stringMatching(ISO),
    });
    // The secret is returned on creation only.
    expect((await org.request("GET", `${PATH}/${res.body.id}`)).body.secret).toBeUndefined();
    const off = await org.request("PATCH", `${PATH}/${res.body.id}`, { is_active: false });
    expect(off.body).toMatchObject({ is_active: false, enabled: false, status: "disabled" });
  });

  it("agent_id keeps its JSON type; an integer agent matches the same value sent as a string", async () => {
    const org = await createTestOrg(h.stack);
    const r = await h.receiver();
    const res = await org.request("POST", PATH, {
      url: r.url,
      event_types: ["voice.call.ended"],
      agent_id: 7,
      is_active: true,
    });
    expect(res.status).toBe(201);
    expect(res.body.agent_id).toBe(7);
    expect((await org.request("GET", `${PATH}/${res.body.id}`)).body.agent_id).toBe(7);
    const named = await org.request("POST", PATH, { url: `${r.url}?s`, event_types: [], agent_id: "7" });
    expect(named.body.agent_id).toBe("7");

    for (const agent of ["7", 7, "70"]) {
      await org.request("POST", "/v1/events", { type: "voice.call.ended", agent_id: agent, data: {} });
    }
    // Both endpoints get the two events of agent 7 (whatever their type), none of agent 70.
    const got = await r.waitForRequests(4);
    expect(got.map((q) => JSON.parse(q.body).agent_id).sort()).toEqual(["7", "7", "7", "7"]);
  });

  it("answers the seed's documented errors with this API's error body", async () => {
    // A live key: test keys may use plain http (docs/api.md).
    const org = await createTestOrg(h.stack, "admin", "live");
    const notHttps = await org.request("POST", PATH, { url: "http://your-app.com/x", event_types: [] });
    expect(notHttps.status).toBe(400);
    expect(notHttps.body.error.code).toBe("invalid_url");
    const badType = await org.request("POST", PATH, { url: "https://a.com", event_types: ["nope.nope"] });
    expect(badType.body.error.code).toBe("invalid_event_types");
    const noKey = await callApp(org.app, "POST", PATH, { url: "https://a.com", event_types: [] });
    expect(noKey.status).toBe(401);
  });
});

/** The named fields of a body: the shape a seed documents. */
const pick = (b: JsonBody, ...names: string[]) => Object.fromEntries(names.map((n) => [n, b[n]]));

describe("seed 001 (thunderphone): /v1/developer/webhook-endpoints", () => {
  const THUNDER_TYPES = ["telephony.incoming", "telephony.complete", "telephony.tool", "web.incoming"];
  const fields = (b: JsonBody) =>
    pick(b, "id", "label", "url", "events", "status", "secret_hint", "created_at", "updated_at");

  it("create, list, update and delete answer the endpoint object with `events`", async () => {
    const org = await createTestOrg(h.stack);
    const created = await org.request("POST", PATH, {
      label: "Production",
      url: "https://example.com/thunderphone",
      events: THUNDER_TYPES,
    });
    expect(created.status).toBe(201);
    expect(fields(created.body)).toEqual({
      id: expect.stringMatching(/^ep_/),
      label: "Production",
      url: "https://example.com/thunderphone",
      events: THUNDER_TYPES,
      status: "active",
      secret_hint: `whsec_…${created.body.secret.slice(-6)}`,
      created_at: expect.stringMatching(ISO),
      updated_at: created.body.created_at,
    });
    expect(created.body.secret).toMatch(/^whsec_/);
    const id = created.body.id;

    const list = await org.request("GET", PATH);
    expect(list.body.data.map(fields)).toEqual([fields(created.body)]);

    const patched = await org.request("PATCH", `${PATH}/${id}`, {
      label: "Paused",
      url: "https://example.com/v2",
      events: ["issue.reported", "test-call.completed"],
      status: "disabled",
    });
    expect(patched.status).toBe(200);
    expect(fields(patched.body)).toMatchObject({
      label: "Paused",
      url: "https://example.com/v2",
      events: ["issue.reported", "test-call.completed"],
      status: "disabled",
    });
    expect(patched.body.updated_at >= created.body.updated_at).toBe(true);
    expect((await org.request("PATCH", `${PATH}/${id}`, { status: "failing" })).status).toBe(400);
    expect((await org.request("DELETE", `${PATH}/${id}`)).status).toBe(204);
  });

  it("empty events subscribe to all; http://localhost for development; unknown events are 400", async () => {
    const org = await createTestOrg(h.stack);
    const dev = await org.request("POST", PATH, {
      label: "Dev",
      url: "http://localhost:4000/hooks",
      events: [],
    });
    expect(dev.status).toBe(201);
    expect(dev.body).toMatchObject({ events: [], event_types: [] });
    const bad = await org.request("POST", PATH, {
      label: "x",
      url: "https://a.com",
      events: ["bogus.event"],
    });
    expect(bad.body.error.code).toBe("invalid_event_types");
  });
});

describe("seed 002 (backend API): /v1/backend/webhooks", () => {
  const listed = (b: JsonBody) => pick(b, "id", "url", "description", "event_types", "enabled", "created_at");

  it("takes the example's http://example.com with a test key, refuses it with a live key; creates, lists, gets and deletes with https", async () => {
    const live = await createTestOrg(h.stack, "admin", "live");
    const refused = await live.request("POST", PATH, { url: "http://example.com" });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toEqual({ code: "invalid_url", message: "url must use https" });
    const org = await createTestOrg(h.stack);
    const literal = await org.request("POST", PATH, { url: "http://example.com" });
    expect(literal.status).toBe(201);
    expect(literal.body.url).toBe("http://example.com");
    expect((await org.request("DELETE", `${PATH}/${literal.body.id}`)).status).toBe(204);

    const created = await org.request("POST", PATH, { url: "https://example.com" });
    expect(created.status).toBe(201);
    expect({ ...listed(created.body), secret: created.body.secret }).toEqual({
      id: expect.stringMatching(/^ep_/),
      url: "https://example.com",
      description: null,
      event_types: [],
      enabled: true,
      created_at: expect.stringMatching(ISO),
      secret: expect.stringMatching(/^whsec_/),
    });
    const list = await org.request("GET", PATH);
    expect(list.body.data.map(listed)).toEqual([listed(created.body)]);
    const one = await org.request("GET", `${PATH}/${created.body.id}`);
    expect(listed(one.body)).toEqual(listed(created.body));
    expect((await org.request("DELETE", `${PATH}/${created.body.id}`)).status).toBe(204);
    const gone = await org.request("GET", `${PATH}/${created.body.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error).toEqual({ code: "not_found", message: "endpoint not found" });
  });

  it("GET …/{id}/secret: admins read the current (and grace-period previous) secret, logged without it", async () => {
    const org = await createTestOrg(h.stack);
    const created = await org.request("POST", PATH, { url: "https://example.com/s" });
    const id = created.body.id;
    const info = vi.spyOn(logger, "info");
    try {
      const read = await org.request("GET", `${PATH}/${id}/secret`);
      expect(read.status).toBe(200);
      expect(read.body).toEqual({
        secret: created.body.secret,
        previous_secret: null,
        previous_secret_expires_at: null,
      });
      const logged = info.mock.calls.find(([m]) => m === "endpoint secret read");
      expect(logged?.[1]).toMatchObject({ org_id: org.orgId, endpoint_id: id, key_id: expect.any(String) });
      expect(JSON.stringify(logged)).not.toContain(created.body.secret.slice(6));
    } finally {
      info.mockRestore();
    }
    const rotated = await org.request("POST", `${PATH}/${id}/rotate-secret`);
    const after = await org.request("GET", `${PATH}/${id}/secret`);
    expect(after.body).toEqual({
      secret: rotated.body.secret,
      previous_secret: created.body.secret,
      previous_secret_expires_at: rotated.body.previous_secret_expires_at,
    });
    // An ed25519 (v1a) endpoint has no shared secret: its private key is never shown.
    const v1a = await org.request("POST", PATH, { url: "https://example.com/k", signing_version: "v1a" });
    const none = await org.request("GET", `${PATH}/${v1a.body.id}/secret`);
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe("private_key_not_revealed");
    const member = await createTestOrg(h.stack, "member");
    expect((await member.request("GET", `${PATH}/${id}/secret`)).status).toBe(403);

    // A deployment can turn the route off.
    const off = createApp({ ...h.deps, config: { ...h.deps.config, allowSecretRetrieval: false } });
    const res = await callApp(off, "GET", `${PATH}/${id}/secret`, undefined, {
      authorization: `Bearer ${org.apiKey}`,
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("secret_retrieval_disabled");
  });

  it("POST /webhooks/test answers 202 with success and message_id, and the test event arrives", async () => {
    const org = await createTestOrg(h.stack);
    const r = await h.receiver();
    await org.request("POST", PATH, { url: r.url });
    const res = await org.request("POST", `${PATH}/test`);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ success: true, message_id: expect.stringMatching(/^msg_/) });
    const [req] = await r.waitForRequests(1);
    expect(req!.headers["webhook-id"]).toBe(res.body.message_id);
    expect(JSON.parse(req!.body).type).toBe("webhook.test");
  });
});

describe("seed 003 (talkover.ai): /api/v1/agents/{agent_id}/webhooks", () => {
  const AGENT = "9fbef0b7-8d4e-4a08-9207-66c22155721d";
  const TYPES = ["event_phone_call_started", "event_phone_call_ended"];
  const example = {
    name: "My Webhook",
    webhook_url: "https://example.com/webhook",
    webhook_secret: "optional_secret_for_hmac",
    events: ["event_phone_call_started", "event_phone_call_ended"],
    timeout: 30,
    max_retries: 3,
    enabled: true,
  };
  const agentPath = (agent: string) => `/v1/agents/${agent}/webhooks`;

  it("creates from the example body and answers every documented `data` field", async () => {
    const org = await createTestOrg(h.stack);
    await expectInCatalog(org, TYPES);
    const res = await org.request("POST", agentPath(AGENT), example);
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^ep_/),
      agent_id: AGENT,
      name: "My Webhook",
      webhook_url: "https://example.com/webhook",
      events: TYPES,
      timeout: 30,
      max_retries: 3,
      enabled: true,
      created_at: expect.stringMatching(ISO),
      updated_at: res.body.created_at,
      events_count: 2,
      status: "active",
    });
    const id = res.body.id;
    const list = await org.request("GET", agentPath(AGENT));
    expect(list.body.data.map((e: JsonBody) => e.id)).toEqual([id]);
    expect((await org.request("GET", agentPath("another-agent"))).body.data).toEqual([]);
    expect((await org.request("GET", `${agentPath(AGENT)}/${id}`)).body.name).toBe("My Webhook");
    expect((await org.request("GET", `${agentPath("another-agent")}/${id}`)).status).toBe(404);
    const put = await org.request("PUT", `${agentPath(AGENT)}/${id}`, { timeout: 120, enabled: false });
    expect(put.body).toMatchObject({ timeout: 120, timeout_ms: 120_000, enabled: false, status: "disabled" });
    const patch = await org.request("PATCH", `${agentPath(AGENT)}/${id}`, { events: [TYPES[0]] });
    expect(patch.body).toMatchObject({ events: [TYPES[0]], events_count: 1 });
    expect((await org.request("DELETE", `${agentPath(AGENT)}/${id}`)).status).toBe(204);
    expect((await org.request("GET", `${agentPath(AGENT)}/${id}`)).status).toBe(404);
  });

  it("applies the seed's validation rules", async () => {
    const org = await createTestOrg(h.stack);
    await expectInCatalog(org, TYPES);
    for (const bad of [
      { events: [] },
      { events: undefined },
      { name: "x".repeat(256) },
      { webhook_url: `https://example.com/${"x".repeat(481)}` },
      { webhook_secret: "s".repeat(256) },
      { timeout: 4 },
      { timeout: 121 },
      { max_retries: 11 },
      { events: ["event_unknown"] },
      { agent_id: "someone-else" },
    ]) {
      const res = await org.request("POST", agentPath(AGENT), { ...example, ...bad });
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    expect((await org.request("GET", agentPath(AGENT))).body.data).toEqual([]);
  });

  it("signs deliveries with HMAC-SHA256 keyed by the bytes of webhook_secret (raw-key mode)", async () => {
    const org = await createTestOrg(h.stack);
    await expectInCatalog(org, TYPES);
    const r = await h.receiver();
    const secrets = ["optional_secret_for_hmac", "clé secrète ✓"];
    for (const [i, webhook_secret] of secrets.entries()) {
      const res = await org.request("POST", agentPath("agent-local"), {
        ...example,
        webhook_url: `${r.url}?n=${i}`,
        webhook_secret,
      });
      expect(res.status, res.text).toBe(201);
    }
    const ev = await org.request("POST", "/v1/events", {
      type: "event_phone_call_started",
      agent_id: "agent-local",
      data: { call_id: "c1" },
    });
    expect(ev.status).toBe(202);
    const got = await r.waitForRequests(2);
    for (const [i, secret] of secrets.entries()) {
      const req = got.find((q) => q.path.endsWith(`n=${i}`))!;
      const key = Buffer.from(secret, "utf8");
      expectSignedWith(req, key);
      // The Standard Webhooks library in raw-key mode: bytes (a string is read as Latin-1).
      const headers = req.headers as Record<string, string>;
      expect(new Webhook(new Uint8Array(key), { format: "raw" }).verify(req.body, headers)).toMatchObject({
        type: "event_phone_call_started",
      });
    }
    // An ASCII key also verifies as the plain string the seed's receivers use.
    const ascii = got.find((q) => q.path.endsWith("n=0"))!;
    expect(() =>
      new Webhook(secrets[0]!, { format: "raw" }).verify(ascii.body, ascii.headers as never),
    ).not.toThrow();
  });
});

describe("seed 004 (FastAPI): POST /v1/webhooks/endpoints", () => {
  const body = (url: string) => ({
    url,
    description: "Telephony events",
    event_patterns: ["telephony.*", "web.*"],
    timeout_seconds: 10,
    max_retries: 7,
  });

  it("accepts X-API-Key and the seed's fields; answers all but user_id", async () => {
    const org = await createTestOrg(h.stack);
    const res = await callApp(org.app, "POST", PATH, body("https://example.com/patterns"), {
      "x-api-key": org.apiKey,
    });
    expect(res.status, res.text).toBe(201);
    const ep = res.body;
    expect(ep).toMatchObject({
      id: expect.stringMatching(/^ep_/),
      url: "https://example.com/patterns",
      description: "Telephony events",
      status: "active",
      enabled: true,
      subscribed_event_patterns: ["telephony.*", "web.*"],
      signing_version: "v1",
      secret_hint: `whsec_…${ep.secret.slice(-6)}`,
      timeout_seconds: 10,
      max_retries: 7,
      consecutive_failures: 0,
      last_verified_at: null,
      last_delivery_at: null,
      last_error: null,
      created_at: expect.stringMatching(ISO),
      updated_at: ep.created_at,
      secret: expect.stringMatching(/^whsec_/),
    });
    expect(ep.user_id).toBeUndefined(); // not offered: keys belong to organizations (docs/seeds.md)
    const nulls = await org.request("POST", PATH, { url: "https://example.com/all", event_patterns: null });
    expect(nulls.body.subscribed_event_patterns).toEqual([]);
    for (const bad of [{ timeout_seconds: 2 }, { timeout_seconds: 61 }, { max_retries: 11 }]) {
      expect((await org.request("POST", PATH, { ...body("https://example.com/b"), ...bad })).status).toBe(
        400,
      );
    }
  });

  it("sets last_verified_at when a test event to the endpoint gets a 2xx", async () => {
    const org = await createTestOrg(h.stack);
    const r = await h.receiver();
    const created = await callApp(org.app, "POST", PATH, body(r.url), { "x-api-key": org.apiKey });
    const id = created.body.id;
    const sent = await callApp(org.app, "POST", `${PATH}/${id}/test`, undefined, { "x-api-key": org.apiKey });
    expect(sent.status).toBe(202);
    await r.waitForRequests(1);
    const verified = await waitFor(
      async () =>
        ((await org.request("GET", `${PATH}/${id}`)).body.last_verified_at as string | null) ?? undefined,
      { what: "last_verified_at" },
    );
    expect(verified).toMatch(ISO);
  });
});

describe("OpenAPI", () => {
  it("describes the aliases in and out", async () => {
    const org = await createTestOrg(h.stack);
    const doc = (await org.request("GET", "/openapi.json")).body;
    // CreateEndpoint is https | the AWS types (docs/destinations.md); the aliases are https's.
    const { CreateHttpsEndpoint: CreateEndpoint, Endpoint } = doc.components.schemas;
    for (const f of ["events", "event_patterns", "is_active", "name", "webhook_url", "webhook_secret"]) {
      expect(CreateEndpoint.properties[f], f).toBeDefined();
    }
    for (const f of [
      "timeout",
      "timeout_seconds",
      "events_count",
      "subscribed_event_patterns",
      "last_verified_at",
    ]) {
      expect(Endpoint.properties[f], f).toBeDefined();
    }
  });
});
