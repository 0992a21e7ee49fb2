/**
 * The request examples of the product pages in ../shared/seeds, adapted to this API's paths
 * (and, where a seed contradicts DESIGN.md, to its rules: https URLs, whsec_ secrets, ms timeouts).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createTestOrg } from "../support/api.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack();
});

const PATH = "/v1/webhook-endpoints";

describe("seed examples", () => {
  it("thinnest.ai: POST /webhooks/endpoints", async () => {
    const org = await createTestOrg(stack);
    const res = await org.request("POST", PATH, {
      url: "https://your-app.com/webhooks/thinnestai",
      event_types: ["chat.message.completed", "voice.call.ended"],
      description: "Production webhook",
      max_retries: 3,
      timeout_ms: 5000,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      url: "https://your-app.com/webhooks/thinnestai",
      event_types: ["chat.message.completed", "voice.call.ended"],
      agent_id: null,
      description: "Production webhook",
      enabled: true,
      max_retries: 3,
      timeout_ms: 5000,
    });
    expect(res.body.secret).toEqual(expect.any(String));
    expect(res.body.created_at).toEqual(expect.any(String));
    // agent_id is an integer in that API.
    const withAgent = await org.request("POST", PATH, {
      url: "https://your-app.com/a",
      event_types: [],
      agent_id: 7,
    });
    expect(withAgent.body.agent_id).toBe("7");
    // Its documented errors.
    expect((await org.request("POST", PATH, { url: "http://your-app.com", event_types: [] })).status).toBe(
      400,
    );
    expect((await org.request("POST", PATH, { url: "https://a.com", event_types: ["nope"] })).status).toBe(
      400,
    );
  });

  it("ThunderPhone: /v1/developer/webhook-endpoints (label, url, events, status)", async () => {
    const org = await createTestOrg(stack);
    const created = await org.request("POST", PATH, {
      label: "Production",
      url: "https://example.com/thunderphone",
      events: ["telephony.incoming", "telephony.complete", "telephony.tool", "web.complete", "call.graded"],
    });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    expect(created.body.secret_hint).toMatch(/^whsec_….{6}$/);
    expect(created.body).toMatchObject({ label: "Production", status: "active" });
    expect(created.body.event_types).toHaveLength(5);
    const id = created.body.id;

    const dev = await org.request("POST", PATH, { label: "Dev", url: "http://localhost:4000/hooks" });
    expect(dev.status).toBe(201);
    expect(dev.body.event_types).toEqual([]);

    const list = await org.request("GET", PATH);
    expect(list.body.data.map((e: { id: string }) => e.id)).toContain(id);

    const patched = await org.request("PATCH", `${PATH}/${id}`, {
      label: "Paused",
      url: "https://example.com/v2",
      events: ["issue.reported", "test-call.completed"],
      status: "disabled",
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      label: "Paused",
      status: "disabled",
      event_types: ["issue.reported", "test-call.completed"],
    });
    expect((await org.request("PATCH", `${PATH}/${id}`, { status: "failing" })).status).toBe(400);
    expect(
      (await org.request("POST", PATH, { label: "x", url: "https://a.com", events: ["bogus.event"] })).status,
    ).toBe(400);
    expect((await org.request("DELETE", `${PATH}/${id}`)).status).toBe(204);
  });

  it("backend API: /v1/backend/webhooks (list, create, get, delete)", async () => {
    const org = await createTestOrg(stack);
    const created = await org.request("POST", PATH, { url: "https://example.com" });
    expect(created.status).toBe(201);
    for (const k of ["id", "url", "description", "event_types", "enabled", "created_at", "secret"]) {
      expect(created.body).toHaveProperty(k);
    }
    const list = await org.request("GET", PATH);
    expect(list.body.data).toHaveLength(1);
    const one = await org.request("GET", `${PATH}/${created.body.id}`);
    expect(one.body).toMatchObject({ id: created.body.id, url: "https://example.com", enabled: true });
    expect(one.body.secret).toBeUndefined();
    expect((await org.request("DELETE", `${PATH}/${created.body.id}`)).status).toBe(204);
    const gone = await org.request("GET", `${PATH}/${created.body.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error).toMatchObject({ code: "not_found", message: expect.any(String) });
  });

  it("talkover: agent webhook with name, secret, events, timeout, max_retries, enabled", async () => {
    const org = await createTestOrg(stack);
    const secret = `whsec_${Buffer.from("optional_secret_for_hmac_32bytes").toString("base64")}`;
    const res = await org.request("POST", PATH, {
      label: "My Webhook",
      url: "https://example.com/webhook",
      secret,
      agent_id: "9fbef0b7-8d4e-4a08-9207-66c22155721d",
      events: ["telephony.incoming", "telephony.complete"],
      timeout_ms: 30000,
      max_retries: 3,
      enabled: true,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      agent_id: "9fbef0b7-8d4e-4a08-9207-66c22155721d",
      label: "My Webhook",
      url: "https://example.com/webhook",
      event_types: ["telephony.incoming", "telephony.complete"],
      timeout_ms: 30000,
      max_retries: 3,
      enabled: true,
      status: "active",
      secret,
    });
    expect(res.body.updated_at).toEqual(expect.any(String));
  });

  it("event-patterns API: POST /v1/webhooks/endpoints", async () => {
    const org = await createTestOrg(stack);
    const res = await org.request("POST", PATH, {
      url: "https://example.com/patterns",
      description: null,
      event_types: ["telephony.*", "web.*"],
      timeout_ms: 10000,
      max_retries: 7,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: "active",
      enabled: true,
      signing_version: "v1",
      timeout_ms: 10000,
      max_retries: 7,
      consecutive_failures: 0,
      last_delivery_at: null,
      last_error: null,
      description: null,
    });
    expect(res.body.secret_hint).toEqual(expect.any(String));
    expect(res.body.secret).toEqual(expect.any(String));
  });
});
