/**
 * Portal sessions through the real app: creation rules, the token as a Bearer credential,
 * every route of the capability table enforced (403), the agent and event-type scope
 * enforced like tenant isolation (404, left out of lists, pinned bodies), expiry, revocation.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { generateApiKey } from "../../core/auth/keys.js";
import { bootstrapOrg } from "../../core/orgs/bootstrap.js";
import { CAPABILITIES, listedRoutes } from "../../core/portal/capabilities.js";
import { signToken } from "../../core/portal/token.js";
import { appOf, callApp, createTestOrg, type TestOrg } from "../support/api.js";
import { createTestStack, type TestStack, uniqueOrg } from "../support/stack.js";

let stack: TestStack;
let org: TestOrg;
beforeAll(async () => {
  stack = await createTestStack();
  org = await createTestOrg(stack);
});

type Session = { id: string; token: string; url: string; expires_at: string };
async function session(body: Record<string, unknown> = {}, as: TestOrg = org): Promise<Session> {
  const res = await as.request("POST", "/v1/portal-sessions", body);
  expect(res.status, res.text).toBe(201);
  return res.body;
}
const as = (token: string, method: string, path: string, body?: unknown) =>
  callApp(org.app, method, path, body, { authorization: `Bearer ${token}` });

describe("creating sessions", () => {
  it("201 with a url carrying the token in its fragment, 1 h and all but reveal_secret by default", async () => {
    const s = await session();
    expect(s.id).toMatch(/^ps_/);
    expect(s.url).toMatch(/\/portal#token=hrps_/);
    expect(s.url.endsWith(s.token)).toBe(true);
    const ms = Date.parse(s.expires_at) - Date.now();
    expect(ms).toBeGreaterThan(3500_000);
    expect(ms).toBeLessThanOrEqual(3600_000);
    const cur = await as(s.token, "GET", "/v1/portal-sessions/current");
    expect(cur.status).toBe(200);
    expect(cur.body.capabilities).toEqual([
      "view",
      "manage_endpoints",
      "rotate_secret",
      "replay",
      "send_test",
    ]);
    expect(cur.body.org_id).toBe(org.orgId);
  });

  it("refuses bad input, another organization and non-admins", async () => {
    for (const body of [
      { expires_in: 59 },
      { expires_in: 7 * 24 * 3600 + 1 },
      { capabilities: ["fly"] },
      { return_url: "javascript:alert(1)" },
      { event_types: ["no.such.type"] },
      { extra: 1 },
    ]) {
      const res = await org.request("POST", "/v1/portal-sessions", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const other = await createTestOrg(stack);
    expect((await org.request("POST", "/v1/portal-sessions", { org_id: other.orgId })).status).toBe(403);
    const viewer = await createTestOrg(stack, "viewer");
    expect((await viewer.request("POST", "/v1/portal-sessions", {})).status).toBe(403);
  });

  it("a platform admin creates a session for any organization", async () => {
    const platformId = uniqueOrg();
    const platform = await createTestStack({ PLATFORM_ORG_ID: platformId });
    const key = generateApiKey("test");
    await bootstrapOrg(platform.deps, { orgId: platformId, name: "Platform", apiKey: key });
    const tenant = await createTestOrg(platform);
    const call = (method: string, path: string, body: unknown, k = key) =>
      callApp(appOf(platform), method, path, body, { authorization: `Bearer ${k}` });
    const res = await call("POST", "/v1/portal-sessions", { org_id: tenant.orgId });
    expect(res.status, res.text).toBe(201);
    const cur = await call("GET", "/v1/portal-sessions/current", undefined, res.body.token);
    expect(cur.body.org_id).toBe(tenant.orgId);
    expect((await call("POST", "/v1/portal-sessions", { org_id: "org_nowhere" })).status).toBe(404);
    // Revoking a session of another organization names it.
    expect((await call("DELETE", `/v1/portal-sessions/${res.body.id}`, undefined)).status).toBe(404);
    expect(
      (await call("DELETE", `/v1/portal-sessions/${res.body.id}?org_id=${tenant.orgId}`, undefined)).status,
    ).toBe(204);
    expect((await call("GET", "/v1/webhook-endpoints", undefined, res.body.token)).status).toBe(401);
  });
});

describe("the token", () => {
  it("expired, revoked, forged and tampered tokens are 401; expired and revoked carry the return_url", async () => {
    const s = await session({ return_url: "https://platform.example/settings" });
    expect((await as(s.token, "GET", "/v1/webhook-endpoints")).status).toBe(200);

    const forged = signToken(
      { sid: s.id, org: org.orgId, agent: null, caps: [...CAPABILITIES], types: null, exp: 9e9 },
      "not-the-deployment-secret-but-long-enough",
    );
    const [payload, sig] = s.token.slice(5).split(".");
    const widened = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(payload!, "base64url").toString()),
        caps: [...CAPABILITIES],
      }),
    ).toString("base64url");
    for (const bad of [forged, `hrps_${widened}.${sig}`, `${s.token}x`, "hrps_", "hrps_a.b.c"]) {
      const res = await as(bad, "GET", "/v1/webhook-endpoints");
      expect(res.status, bad).toBe(401);
      expect(res.body.error.code).toBe("unauthorized");
    }

    const expiredToken = signToken(
      {
        sid: s.id,
        org: org.orgId,
        agent: null,
        caps: ["view"],
        types: null,
        exp: Math.floor(Date.now() / 1000) - 1,
      },
      stack.config.portalSecret!,
    );
    const expired = await as(expiredToken, "GET", "/v1/webhook-endpoints");
    expect(expired.status).toBe(401);
    expect(expired.body.error).toMatchObject({
      code: "session_expired",
      details: { return_url: "https://platform.example/settings" },
    });

    expect((await org.request("DELETE", `/v1/portal-sessions/${s.id}`)).status).toBe(204);
    expect((await org.request("DELETE", `/v1/portal-sessions/${s.id}`)).status).toBe(204);
    const revoked = await as(s.token, "GET", "/v1/webhook-endpoints");
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.code).toBe("session_revoked");
    expect(revoked.body.error.details.return_url).toBe("https://platform.example/settings");
    expect((await org.request("DELETE", "/v1/portal-sessions/ps_00000000000000000000000000")).status).toBe(
      404,
    );
  });

  it("a session may not create sessions, keys, event types or publish events", async () => {
    const s = await session({ capabilities: [...CAPABILITIES] });
    for (const [method, path, body] of [
      ["POST", "/v1/portal-sessions", {}],
      ["GET", "/v1/api-keys", undefined],
      ["POST", "/v1/api-keys", { role: "admin" }],
      ["POST", "/v1/event-types", { name: "x.y", description: "x" }],
      ["POST", "/v1/events", { type: "voice.call.ended", data: {} }],
      ["POST", "/v1/webhook-endpoints/test", undefined],
      ["GET", "/v1/organizations", undefined],
    ] as const) {
      const res = await as(s.token, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
    }
  });
});

describe("capabilities", () => {
  it("every route of the table refuses a session without its capability, and admits one with it", async () => {
    const ev = await org.request("POST", "/v1/events", { type: "voice.call.ended", data: {} });
    let ep = { body: { id: "" } };
    const concrete = (route: string) =>
      route
        .replace(":endpoint_id", ep.body.id)
        .replace(/webhook-endpoints\/:id/, `webhook-endpoints/${ep.body.id}`)
        .replace(/events\/:id/, `events/${ev.body.id}`)
        .replace(":name", "voice.call.ended");
    const bodies: Record<string, unknown> = {
      "POST /v1/webhook-endpoints": { url: "https://example.com/new" },
      "PATCH /v1/webhook-endpoints/:id": { description: "x" },
      "POST /v1/webhook-endpoints/:id/recover": { since: new Date(0).toISOString() },
      "POST /v1/webhook-endpoints/:id/replay": { since: new Date(0).toISOString() },
      "POST /v1/webhook-endpoints/:id/test": {},
    };
    for (const cap of CAPABILITIES.filter((c) => c !== "view")) {
      // A fresh endpoint each round: the sessions with manage_endpoints delete theirs.
      ep = await org.request("POST", "/v1/webhook-endpoints", { url: "https://example.com/cap" });
      const without = await session({ capabilities: CAPABILITIES.filter((c) => c !== cap) });
      const withIt = await session({ capabilities: [cap] });
      // DELETE last: it removes the round's endpoint.
      for (const key of listedRoutes().sort(
        (x, y) => Number(x.startsWith("DELETE")) - Number(y.startsWith("DELETE")),
      )) {
        const [method, route] = key.split(" ") as [string, string];
        const needs = key.startsWith("GET") && !route.endsWith("/secret") ? "view" : undefined;
        const res = await as(without.token, method, concrete(route), bodies[key]);
        const expected = needs ?? capOf(key);
        if (expected === cap) {
          expect(res.status, `${key} without ${cap}`).toBe(403);
          expect(res.body.error.code).toBe("capability_required");
          if (key === "DELETE /v1/webhook-endpoints/:id") continue;
          const ok = await as(withIt.token, method, concrete(route), bodies[key]);
          // Admitted by the gate (a resend without a delivery is then a 404 of the route itself).
          expect([401, 403], `${key} with ${cap}: ${ok.text}`).not.toContain(ok.status);
        }
      }
    }
  });

  it("a view-only session reads everything and writes nothing", async () => {
    const ep = await org.request("POST", "/v1/webhook-endpoints", { url: "https://example.com/view" });
    const s = await session({ capabilities: ["view"] });
    expect((await as(s.token, "GET", `/v1/webhook-endpoints/${ep.body.id}`)).status).toBe(200);
    expect((await as(s.token, "GET", "/v1/events")).status).toBe(200);
    for (const [method, path, body] of [
      ["POST", "/v1/webhook-endpoints", { url: "https://example.com/x" }],
      ["PATCH", `/v1/webhook-endpoints/${ep.body.id}`, { status: "disabled" }],
      ["DELETE", `/v1/webhook-endpoints/${ep.body.id}`, undefined],
      ["GET", `/v1/webhook-endpoints/${ep.body.id}/secret`, undefined],
      ["POST", `/v1/webhook-endpoints/${ep.body.id}/rotate-secret`, undefined],
      ["POST", `/v1/webhook-endpoints/${ep.body.id}/test`, {}],
      ["POST", `/v1/webhook-endpoints/${ep.body.id}/recover`, { since: new Date(0).toISOString() }],
    ] as const) {
      expect((await as(s.token, method, path, body)).status, `${method} ${path}`).toBe(403);
    }
    const after = await org.request("GET", `/v1/webhook-endpoints/${ep.body.id}`);
    expect(after.body).toEqual(ep.body.id ? after.body : null);
    expect(after.body.status).toBe("active");
  });

  it("reveal_secret reads the current secret", async () => {
    const ep = await org.request("POST", "/v1/webhook-endpoints", { url: "https://example.com/reveal" });
    const s = await session({ capabilities: ["reveal_secret"] });
    const res = await as(s.token, "GET", `/v1/webhook-endpoints/${ep.body.id}/secret`);
    expect(res.body).toEqual({
      secret: ep.body.secret,
      previous_secret: null,
      previous_secret_expires_at: null,
    });
  });
});

function capOf(key: string): string {
  if (key.includes("/secret")) return "reveal_secret";
  if (key.includes("rotate-secret")) return "rotate_secret";
  if (key.includes("resend") || key.includes("recover") || key.endsWith("/replay")) return "replay";
  if (key.endsWith("/test")) return "send_test";
  return "manage_endpoints";
}

describe("agent and event-type scope", () => {
  it("another agent's endpoints and events are 404 and left out of lists; bodies are pinned", async () => {
    const mine = await org.request("POST", "/v1/webhook-endpoints", {
      url: "https://example.com/a1",
      agent_id: "a1",
    });
    const theirs = await org.request("POST", "/v1/webhook-endpoints", {
      url: "https://example.com/a2",
      agent_id: "a2",
    });
    const theirEvent = await org.request("POST", "/v1/events", {
      type: "voice.call.ended",
      agent_id: "a2",
      data: {},
    });
    const myEvent = await org.request("POST", "/v1/events", {
      type: "voice.call.ended",
      agent_id: "a1",
      data: {},
    });
    const s = await session({ agent_id: "a1" });
    for (const [method, path, body] of [
      ["GET", `/v1/webhook-endpoints/${theirs.body.id}`, undefined],
      ["PATCH", `/v1/webhook-endpoints/${theirs.body.id}`, { description: "x" }],
      ["DELETE", `/v1/webhook-endpoints/${theirs.body.id}`, undefined],
      ["POST", `/v1/webhook-endpoints/${theirs.body.id}/rotate-secret`, undefined],
      ["GET", `/v1/webhook-endpoints/${theirs.body.id}/attempts`, undefined],
      ["GET", `/v1/events/${theirEvent.body.id}`, undefined],
      ["GET", `/v1/events/${theirEvent.body.id}/attempts`, undefined],
      ["POST", `/v1/events/${myEvent.body.id}/endpoints/${theirs.body.id}/resend`, undefined],
    ] as const) {
      const res = await as(s.token, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    const list = await as(s.token, "GET", "/v1/webhook-endpoints");
    expect(list.body.data.map((e: { id: string }) => e.id)).toContain(mine.body.id);
    expect(list.text).not.toContain(theirs.body.id);
    const events = await as(s.token, "GET", "/v1/events?limit=100");
    expect(events.text).toContain(myEvent.body.id);
    expect(events.text).not.toContain(theirEvent.body.id);

    const created = await as(s.token, "POST", "/v1/webhook-endpoints", { url: "https://example.com/pinned" });
    expect(created.status).toBe(201);
    expect(created.body.agent_id).toBe("a1");
    const wrong = await as(s.token, "POST", "/v1/webhook-endpoints", {
      url: "https://example.com/x",
      agent_id: "a2",
    });
    expect(wrong.status).toBe(400);
    const clear = await as(s.token, "PATCH", `/v1/webhook-endpoints/${mine.body.id}`, { agent_id: null });
    expect(clear.status).toBe(400);
  });

  it("a session limited to event types sees and subscribes to those only", async () => {
    const s = await session({ event_types: ["voice.call.ended", "webhook.test"] });
    const catalog = await as(s.token, "GET", "/v1/event-types");
    expect(catalog.body.data.map((t: { name: string }) => t.name).sort()).toEqual([
      "voice.call.ended",
      "webhook.test",
    ]);
    const created = await as(s.token, "POST", "/v1/webhook-endpoints", { url: "https://example.com/typed" });
    expect(created.body.event_types).toEqual(["voice.call.ended", "webhook.test"]);
    const bad = await as(s.token, "POST", "/v1/webhook-endpoints", {
      url: "https://example.com/typed2",
      event_types: ["chat.message.completed"],
    });
    expect(bad.status).toBe(400);
    const hidden = await org.request("POST", "/v1/events", { type: "chat.message.completed", data: {} });
    expect((await as(s.token, "GET", `/v1/events/${hidden.body.id}`)).status).toBe(404);
    const test = await as(s.token, "POST", `/v1/webhook-endpoints/${created.body.id}/test`, {
      event_type: "chat.message.completed",
    });
    expect(test.status).toBe(400);
  });
});
