import { beforeAll, describe, expect, it } from "vitest";
import { getEndpoint } from "../../core/store/endpoints.js";
import { createTestOrg, type TestOrg } from "../support/api.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack();
});

const PATH = "/v1/webhook-endpoints";
const valid = { url: "https://example.com/hooks" };

async function create(org: TestOrg, body: Record<string, unknown> = valid) {
  const res = await org.request("POST", PATH, body);
  expect(res.status, res.text).toBe(201);
  return res.body;
}

async function expect400(org: TestOrg, method: string, path: string, body: unknown, code?: string) {
  const res = await org.request(method, path, body);
  expect(res.status, JSON.stringify(body)).toBe(400);
  expect(res.body.error).toEqual(
    expect.objectContaining({ code: code ?? expect.any(String), message: expect.any(String) }),
  );
  return res.body.error;
}

describe("create", () => {
  it("returns 201 with defaults, a secret and its hint", async () => {
    const org = await createTestOrg(stack);
    const ep = await create(org);
    expect(ep).toMatchObject({
      url: valid.url,
      label: null,
      description: null,
      event_types: [],
      agent_id: null,
      status: "active",
      enabled: true,
      signing_version: "v1",
      max_retries: 5,
      timeout_ms: 10000,
      headers: {},
      consecutive_failures: 0,
      last_delivery_at: null,
      last_error: null,
      failing_since: null,
    });
    expect(ep.id).toMatch(/^ep_/);
    expect(ep.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(ep.secret.slice(6), "base64").length).toBeGreaterThanOrEqual(24);
    expect(ep.secret_hint).toBe(`whsec_…${ep.secret.slice(-6)}`);
    expect(ep.created_at).toBe(ep.updated_at);
    expect(new Date(ep.created_at).toISOString()).toBe(ep.created_at);
  });

  it("stores every field; agent_id keeps its JSON type", async () => {
    const org = await createTestOrg(stack);
    const fields = {
      label: "Production",
      description: "main receiver",
      event_types: ["telephony.*", "chat.message.completed"],
      agent_id: 42,
      max_retries: 0,
      timeout_ms: 30000,
      headers: { "X-Tenant": "acme", Authorization: "Bearer receiver-token" },
      status: "disabled",
    };
    const ep = await create(org, { url: "https://example.com/a?x=1", ...fields });
    expect(ep).toMatchObject({ ...fields, enabled: false });
    const stored = await getEndpoint(stack.deps.db, org.orgId, ep.id);
    expect(stored).toMatchObject({
      org_id: org.orgId,
      secret: ep.secret,
      agent_id: 42,
      previous_secret: null,
    });
  });

  it("accepts a caller-provided whsec_ secret of at least 24 bytes, and rejects others", async () => {
    const org = await createTestOrg(stack);
    const secret = `whsec_${Buffer.alloc(24, 7).toString("base64")}`;
    expect((await create(org, { ...valid, secret })).secret).toBe(secret);
    for (const bad of [
      `whsec_${Buffer.alloc(23, 7).toString("base64")}`,
      Buffer.alloc(32, 7).toString("base64"),
      "whsec_not base64!",
      "optional_secret_for_hmac",
      `whsec_${Buffer.alloc(65, 7).toString("base64")}`,
    ]) {
      await expect400(org, "POST", PATH, { ...valid, secret: bad }, "invalid_secret");
    }
  });
});

/** One organization for the tests that only send refused requests (nothing is stored). */
let refusing: TestOrg;
beforeAll(async () => {
  // A live key: test keys may use plain http to any host.
  refusing = await createTestOrg(stack, "admin", "live");
});

describe("URL rules", () => {
  it.each([
    "http://example.com/hook",
    "ftp://example.com/hook",
    "https://user:pass@example.com/hook",
    "https://token@example.com/hook",
    "not a url",
    "/relative",
    `https://example.com/${"a".repeat(2048)}`,
  ])("https only; no credentials; at most 2048 characters; absolute: refuses %s", async (url) => {
    await expect400(refusing, "POST", PATH, { url });
  });

  it("https only for a live key: an http URL is invalid_url; 2000 characters are fine", async () => {
    const org = await createTestOrg(stack, "admin", "live");
    await expect400(org, "POST", PATH, { url: "http://example.com" }, "invalid_url");
    expect((await org.request("POST", PATH, { url: `https://example.com/${"a".repeat(2000)}` })).status).toBe(
      201,
    );
  });

  it("http://localhost, 127.0.0.1 and [::1] only when the deployment allows it", async () => {
    const org = await createTestOrg(stack, "admin", "live");
    for (const url of ["http://localhost:3000/h", "http://127.0.0.1:8080/h", "http://[::1]:9/h"]) {
      expect((await org.request("POST", PATH, { url })).status, url).toBe(201);
    }
    await expect400(org, "POST", PATH, { url: "http://localhost.evil.com/h" }, "invalid_url");
    await expect400(org, "POST", PATH, { url: "http://10.0.0.1/h" }, "invalid_url");

    const strict = await createTestStack({ ALLOW_HTTP_LOCALHOST: "false" });
    const strictOrg = await createTestOrg(strict);
    await expect400(strictOrg, "POST", PATH, { url: "http://localhost:3000/h" }, "invalid_url");
    expect((await strictOrg.request("POST", PATH, { url: "https://localhost:3000/h" })).status).toBe(201);
  });

  it("a test key may use plain http to any host (Stripe's rule; private targets: test/security/ssrf.test.ts)", async () => {
    const org = await createTestOrg(stack);
    const made = await org.request("POST", PATH, { url: "http://example.com" });
    expect(made.status).toBe(201);
    expect(made.body.url).toBe("http://example.com");
    const moved = await org.request("PATCH", `${PATH}/${made.body.id}`, { url: "http://example.org/h" });
    expect(moved.status).toBe(200);
    expect(moved.body.url).toBe("http://example.org/h");
    await expect400(org, "POST", PATH, { url: "ftp://example.com/h" }, "invalid_url");
  });

  it("PATCH applies the same rules", async () => {
    const org = await createTestOrg(stack, "admin", "live");
    const ep = await create(org);
    await expect400(org, "PATCH", `${PATH}/${ep.id}`, { url: "http://example.com" }, "invalid_url");
    await expect400(org, "PATCH", `${PATH}/${ep.id}`, { url: "https://a:b@example.com" }, "invalid_url");
  });
});

describe("headers", () => {
  it.each([
    "Connection",
    "transfer-encoding",
    "Upgrade",
    "TE",
    "Keep-Alive",
    "Host",
    "Content-Length",
    "Content-Type",
    "User-Agent",
    "webhook-signature",
    "Webhook-Id",
    "webhook-timestamp",
    "X-Signature",
    "svix-signature",
    "bad header",
    "",
  ])("rejects hop-by-hop, signature, reserved and malformed headers: %j", async (name) => {
    await expect400(refusing, "POST", PATH, { ...valid, headers: { [name]: "x" } });
  });

  it("rejects header values and sets it cannot send", async () => {
    const org = await createTestOrg(stack);
    await expect400(org, "POST", PATH, { ...valid, headers: { "X-A": "line\r\nInjected: 1" } });
    await expect400(org, "POST", PATH, { ...valid, headers: { "X-A": "1", "x-a": "2" } });
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`x-h${i}`, "v"]));
    await expect400(org, "POST", PATH, { ...valid, headers: many });
    await expect400(org, "POST", PATH, { ...valid, headers: { "x-a": 1 } }, "validation_error");
    const ep = await create(org, { ...valid, headers: { "X-Api-Key": "abc" } });
    await expect400(org, "PATCH", `${PATH}/${ep.id}`, { headers: { "content-type": "text/plain" } });
  });

  it("refuses values an HTTP client cannot send (beyond ASCII), storing nothing", async () => {
    const org = await createTestOrg(stack);
    for (const value of ["Zoë 日本 😀", "日本", "😀", "caf\u00e9", "del\u007f"]) {
      const err = await expect400(
        org,
        "POST",
        PATH,
        { ...valid, headers: { "X-Name": value } },
        "validation_error",
      );
      expect(err.message).toContain("X-Name");
    }
    expect((await org.request("GET", PATH)).body.data).toEqual([]);
    const ep = await create(org, { ...valid, headers: { "X-Name": "Zoe\tJapan ~!" } });
    await expect400(org, "PATCH", `${PATH}/${ep.id}`, { headers: { "X-Name": "日本" } }, "validation_error");
    expect((await org.request("GET", `${PATH}/${ep.id}`)).body.headers).toEqual({
      "X-Name": "Zoe\tJapan ~!",
    });
  });
});

describe("event types", () => {
  it("validates against the catalog, naming the unknown ones", async () => {
    const org = await createTestOrg(stack);
    const err = await expect400(
      org,
      "POST",
      PATH,
      { ...valid, event_types: ["telephony.complete", "nope.one", "also.nope"] },
      "invalid_event_types",
    );
    expect(err.message).toContain("nope.one");
    expect(err.message).toContain("also.nope");
    expect(err.details.unknown).toEqual(["nope.one", "also.nope"]);
    expect(err.message).not.toContain("telephony.complete");
  });

  it("accepts patterns that match a catalog type, `*` and the empty list", async () => {
    const org = await createTestOrg(stack);
    for (const event_types of [["telephony.*"], ["*"], [], ["chat.*", "voice.call.ended"]]) {
      expect((await org.request("POST", PATH, { ...valid, event_types })).status, String(event_types)).toBe(
        201,
      );
    }
    await expect400(org, "POST", PATH, { ...valid, event_types: ["nothing.*"] }, "invalid_event_types");
    await expect400(org, "POST", PATH, { ...valid, event_types: ["tele*"] }, "invalid_event_types");
    await expect400(org, "POST", PATH, { ...valid, event_types: ["*.complete"] }, "invalid_event_types");
  });

  it("removes duplicates and accepts the `events` alias (both only when they agree)", async () => {
    const org = await createTestOrg(stack);
    const ep = await create(org, { ...valid, events: ["web.complete", "web.complete"] });
    expect(ep.event_types).toEqual(["web.complete"]);
    expect(ep.events).toEqual(["web.complete"]);
    expect((await org.request("POST", PATH, { ...valid, events: [], event_types: [] })).status).toBe(201);
    const err = await expect400(
      org,
      "POST",
      PATH,
      { ...valid, events: ["web.complete"], event_types: [] },
      "validation_error",
    );
    expect(err.message).toBe("event_types and events disagree: give one of them");
  });

  it("custom types of the organization are accepted; other organizations' are not", async () => {
    const a = await createTestOrg(stack);
    const b = await createTestOrg(stack);
    expect(
      (await a.request("POST", "/v1/event-types", { name: "billing.paid", description: "x" })).status,
    ).toBe(201);
    expect((await a.request("POST", PATH, { ...valid, event_types: ["billing.paid"] })).status).toBe(201);
    expect((await a.request("POST", PATH, { ...valid, event_types: ["billing.*"] })).status).toBe(201);
    await expect400(b, "POST", PATH, { ...valid, event_types: ["billing.paid"] }, "invalid_event_types");
  });
});

describe("numeric limits and other fields", () => {
  it("max_retries 0–10 and timeout_ms 1000–120000", async () => {
    const org = await createTestOrg(stack);
    for (const extra of [
      { max_retries: -1 },
      { max_retries: 11 },
      { max_retries: 1.5 },
      { max_retries: "3" },
      { timeout_ms: 999 },
      { timeout_ms: 120_001 },
      { label: "" },
      { label: "x".repeat(256) },
      { agent_id: 1.5 },
      { agent_id: true },
      // Regression: endpoints once took 200 characters and negative integers, which no event
      // may carry (core/model/limits.ts AGENT_ID), so such an endpoint could never match.
      { agent_id: -1 },
      { agent_id: "a".repeat(129) },
      { url: 5 },
      {},
    ]) {
      const body = "url" in extra || Object.keys(extra).length === 0 ? extra : { ...valid, ...extra };
      await expect400(org, "POST", PATH, body, "validation_error");
    }
    expect((await org.request("POST", PATH, { ...valid, max_retries: 10, timeout_ms: 1000 })).status).toBe(
      201,
    );
    for (const agent_id of [0, "a".repeat(128)]) {
      expect((await org.request("POST", PATH, { ...valid, agent_id })).status, String(agent_id)).toBe(201);
    }
    expect((await org.request("POST", PATH, { ...valid, timeout_ms: 120_000 })).status).toBe(201);
  });

  it("rate_limit: 1–500 per second or null; absent means no limit; PATCH sets and clears it", async () => {
    const org = await createTestOrg(stack);
    for (const rate_limit of [0, -1, 501, 2.5, "10"]) {
      await expect400(org, "POST", PATH, { ...valid, rate_limit }, "validation_error");
    }
    expect((await create(org)).rate_limit).toBeNull();
    const ep = await create(org, { ...valid, rate_limit: 500 });
    expect(ep.rate_limit).toBe(500);
    await expect400(org, "PATCH", `${PATH}/${ep.id}`, { rate_limit: 0 }, "validation_error");
    const set = await org.request("PATCH", `${PATH}/${ep.id}`, { rate_limit: 1 });
    expect(set.body.rate_limit).toBe(1);
    expect((await org.request("GET", `${PATH}/${ep.id}`)).body.rate_limit).toBe(1);
    const kept = await org.request("PATCH", `${PATH}/${ep.id}`, { label: "x" });
    expect(kept.body.rate_limit).toBe(1);
    const cleared = await org.request("PATCH", `${PATH}/${ep.id}`, { rate_limit: null });
    expect(cleared.body.rate_limit).toBeNull();
    expect((await getEndpoint(stack.deps.db, org.orgId, ep.id))?.rate_limit).toBeNull();
  });

  it("send_traceparent: a boolean, false by default; PATCH sets it and keeps it when omitted", async () => {
    const org = await createTestOrg(stack);
    for (const send_traceparent of ["true", 1, null]) {
      await expect400(org, "POST", PATH, { ...valid, send_traceparent }, "validation_error");
    }
    expect((await create(org)).send_traceparent).toBe(false);
    const ep = await create(org, { ...valid, send_traceparent: true });
    expect(ep.send_traceparent).toBe(true);
    const kept = await org.request("PATCH", `${PATH}/${ep.id}`, { label: "x" });
    expect(kept.body.send_traceparent).toBe(true);
    const off = await org.request("PATCH", `${PATH}/${ep.id}`, { send_traceparent: false });
    expect(off.body.send_traceparent).toBe(false);
    expect((await org.request("GET", `${PATH}/${ep.id}`)).body.send_traceparent).toBe(false);
    expect((await getEndpoint(stack.deps.db, org.orgId, ep.id))?.send_traceparent).toBe(false);
  });

  it("unknown fields are rejected", async () => {
    const org = await createTestOrg(stack);
    const err = await expect400(org, "POST", PATH, { ...valid, is_enabled: true }, "validation_error");
    expect(JSON.stringify(err.details)).toContain("is_enabled");
    const ep = await create(org);
    await expect400(org, "PATCH", `${PATH}/${ep.id}`, { secret: "whsec_x" }, "validation_error");
    await expect400(org, "PATCH", `${PATH}/${ep.id}`, { consecutive_failures: 0 }, "validation_error");
  });
});

describe("read, update, delete", () => {
  it("GET one and PATCH every settable field", async () => {
    const org = await createTestOrg(stack);
    const ep = await create(org);
    const got = await org.request("GET", `${PATH}/${ep.id}`);
    expect(got.status).toBe(200);
    const { secret: _s, ...withoutSecret } = ep;
    expect(got.body).toEqual(withoutSecret);

    const patch = {
      label: "Renamed",
      description: "d",
      url: "https://example.org/new",
      event_types: ["issue.reported"],
      agent_id: "agent-7",
      max_retries: 2,
      timeout_ms: 2500,
      headers: { "x-b": "2" },
    };
    const res = await org.request("PATCH", `${PATH}/${ep.id}`, patch);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject(patch);
    expect(res.body.secret_hint).toBe(ep.secret_hint);
    expect(res.body.updated_at >= ep.updated_at).toBe(true);
    expect(res.body.created_at).toBe(ep.created_at);
    expect((await org.request("GET", `${PATH}/${ep.id}`)).body).toEqual(res.body);

    const cleared = await org.request("PATCH", `${PATH}/${ep.id}`, {
      label: null,
      agent_id: null,
      event_types: [],
    });
    expect(cleared.body).toMatchObject({ label: null, agent_id: null, event_types: [] });
    const noop = await org.request("PATCH", `${PATH}/${ep.id}`, {});
    expect(noop.status).toBe(200);
  });

  it("status: active/disabled (or enabled), never failing; reactivation resets failure tracking", async () => {
    const org = await createTestOrg(stack);
    const ep = await create(org);
    const err = await expect400(org, "PATCH", `${PATH}/${ep.id}`, { status: "failing" }, "validation_error");
    expect(JSON.stringify(err.details)).toContain("failing is set only by the service");
    await expect400(org, "POST", PATH, { ...valid, status: "failing" }, "validation_error");

    const off = await org.request("PATCH", `${PATH}/${ep.id}`, { status: "disabled" });
    expect(off.body).toMatchObject({ status: "disabled", enabled: false });
    const on = await org.request("PATCH", `${PATH}/${ep.id}`, { enabled: true });
    expect(on.body).toMatchObject({ status: "active", enabled: true });
    await expect400(
      org,
      "PATCH",
      `${PATH}/${ep.id}`,
      { enabled: true, status: "disabled" },
      "validation_error",
    );

    // The delivery function marks it failing; a manual "active" clears that state.
    const { patchEndpoint } = await import("../../core/store/endpoints.js");
    await patchEndpoint(stack.deps.db, org.orgId, ep.id, {
      status: "failing",
      consecutive_failures: 9,
      failing_since: "2026-01-01T00:00:00.000Z",
      first_failure_at: "2025-12-31T00:00:00.000Z",
    });
    const failing = await org.request("GET", `${PATH}/${ep.id}`);
    expect(failing.body).toMatchObject({ status: "failing", enabled: true, consecutive_failures: 9 });
    const reset = await org.request("PATCH", `${PATH}/${ep.id}`, { status: "active" });
    expect(reset.body).toMatchObject({ status: "active", consecutive_failures: 0, failing_since: null });
  });

  it("DELETE answers 204 and the endpoint is gone", async () => {
    const org = await createTestOrg(stack);
    const ep = await create(org);
    const del = await org.request("DELETE", `${PATH}/${ep.id}`);
    expect(del.status).toBe(204);
    expect(del.text).toBe("");
    expect((await org.request("GET", `${PATH}/${ep.id}`)).status).toBe(404);
    expect((await org.request("DELETE", `${PATH}/${ep.id}`)).status).toBe(404);
    expect((await org.request("PATCH", `${PATH}/${ep.id}`, { label: "x" })).status).toBe(404);
    expect((await org.request("POST", `${PATH}/${ep.id}/rotate-secret`)).status).toBe(404);
    expect((await org.request("GET", PATH)).body.data).toEqual([]);
  });

  it("unknown and malformed ids are 404", async () => {
    const org = await createTestOrg(stack);
    for (const id of ["ep_01ARZ3NDEKTSV4RRFFQ69G5FAV", "nope", "ep_%27%20OR%201%3D1"]) {
      const res = await org.request("GET", `${PATH}/${id}`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("not_found");
    }
  });
});

describe("pagination", () => {
  it("pages with limit and next_cursor, oldest first, without overlap", async () => {
    const org = await createTestOrg(stack);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await create(org, { ...valid, label: `n${i}` })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = cursor ? `?limit=2&cursor=${cursor}` : "?limit=2";
      const res = await org.request("GET", `${PATH}${q}`);
      expect(res.status).toBe(200);
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.data.map((e: { id: string }) => e.id));
      cursor = res.body.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual(ids);
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  it("400 on garbage cursors, bad limits and cursors forged for another organization", async () => {
    const a = await createTestOrg(stack);
    const b = await createTestOrg(stack);
    for (let i = 0; i < 3; i++) await create(b);
    const page = await b.request("GET", `${PATH}?limit=1`);
    const forged = page.body.next_cursor as string;
    expect(forged).toEqual(expect.any(String));

    for (const q of [
      "cursor=!!!",
      "cursor=bm90IGpzb24",
      `cursor=${Buffer.from("[1,2]").toString("base64url")}`,
      `cursor=${Buffer.from('{"pk":1}').toString("base64url")}`,
      `cursor=${forged}`,
      "limit=0",
      "limit=101",
      "limit=abc",
      "other=1",
    ]) {
      const res = await a.request("GET", `${PATH}?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body.error.code).toMatch(/invalid_cursor|validation_error/);
    }
    expect((await a.request("GET", `${PATH}?cursor=${forged}`)).body.error.code).toBe("invalid_cursor");
  });
});

describe("secret rotation", () => {
  it("returns a new secret once; the previous one keeps signing for the grace period", async () => {
    const org = await createTestOrg(stack);
    const ep = await create(org);
    const before = Date.now();
    const res = await org.request("POST", `${PATH}/${ep.id}/rotate-secret`);
    expect(res.status).toBe(200);
    expect(res.body.secret).toMatch(/^whsec_/);
    expect(res.body.secret).not.toBe(ep.secret);
    expect(res.body.secret_hint).toBe(`whsec_…${res.body.secret.slice(-6)}`);
    const graceUntil = Date.parse(res.body.previous_secret_expires_at);
    expect(graceUntil - before).toBeGreaterThan(23.9 * 3600_000);
    expect(graceUntil - before).toBeLessThan(24.1 * 3600_000);

    const stored = await getEndpoint(stack.deps.db, org.orgId, ep.id);
    expect(stored?.secret).toBe(res.body.secret);
    expect(stored?.previous_secret).toBe(ep.secret);
    expect(stored?.previous_secret_expires_at).toBe(res.body.previous_secret_expires_at);
  });

  it("with SECRET_GRACE_HOURS=0 the old secret stops at once", async () => {
    const s = await createTestStack({ SECRET_GRACE_HOURS: "0" });
    const org = await createTestOrg(s);
    const ep = await create(org);
    const res = await org.request("POST", `${PATH}/${ep.id}/rotate-secret`);
    expect(res.body.previous_secret_expires_at).toBeNull();
    const stored = await getEndpoint(s.deps.db, org.orgId, ep.id);
    expect(stored?.previous_secret).toBeNull();
  });
});

describe("secrets never leak", () => {
  it("no response after creation or rotation contains a secret", async () => {
    const org = await createTestOrg(stack);
    const secrets: string[] = [];
    const ep = await create(org, { ...valid, event_types: ["telephony.*"] });
    secrets.push(ep.secret);
    const rotated = await org.request("POST", `${PATH}/${ep.id}/rotate-secret`);
    secrets.push(rotated.body.secret);
    const twice = await org.request("POST", `${PATH}/${ep.id}/rotate-secret`);
    const latest = twice.body.secret as string;

    const responses = [
      await org.request("GET", `${PATH}/${ep.id}`),
      await org.request("GET", PATH),
      await org.request("PATCH", `${PATH}/${ep.id}`, { label: "x" }),
      await org.request("PATCH", `${PATH}/${ep.id}`, { status: "disabled" }),
      await org.request("GET", `${PATH}?limit=1`),
      await org.request("GET", "/v1/event-types"),
    ];
    for (const res of responses) {
      expect(res.status).toBe(200);
      for (const s of [...secrets, latest]) {
        expect(res.text).not.toContain(s);
        expect(res.text).not.toContain(s.slice(6, -6));
      }
      expect(res.text).not.toMatch(/"(previous_)?secret"\s*:/);
    }
  });
});

describe("per-organization limit", () => {
  it("400 endpoint_limit_reached at the limit; deleting frees a slot", async () => {
    const s = await createTestStack({ MAX_ENDPOINTS_PER_ORG: "3" });
    const org = await createTestOrg(s);
    const eps = [await create(org), await create(org), await create(org)];
    const err = await expect400(org, "POST", PATH, valid, "endpoint_limit_reached");
    expect(err.message).toContain("3");
    expect((await org.request("DELETE", `${PATH}/${eps[0].id}`)).status).toBe(204);
    expect((await org.request("POST", PATH, valid)).status).toBe(201);
    await expect400(org, "POST", PATH, valid, "endpoint_limit_reached");
    // Another organization has its own allowance.
    const other = await createTestOrg(s);
    expect((await other.request("POST", PATH, valid)).status).toBe(201);
  });

  it("concurrent creates never exceed the limit", async () => {
    const s = await createTestStack({ MAX_ENDPOINTS_PER_ORG: "5" });
    const org = await createTestOrg(s);
    const results = await Promise.all(Array.from({ length: 16 }, () => org.request("POST", PATH, valid)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((x) => x === 201)).toHaveLength(5);
    expect(statuses.filter((x) => x === 400)).toHaveLength(11);
    for (const r of results.filter((x) => x.status === 400))
      expect(r.body.error.code).toBe("endpoint_limit_reached");
    const list = await org.request("GET", `${PATH}?limit=100`);
    expect(list.body.data).toHaveLength(5);

    // Concurrent deletes and creates keep the count exact.
    await Promise.all(
      list.body.data.slice(0, 3).map((e: { id: string }) => org.request("DELETE", `${PATH}/${e.id}`)),
    );
    const again = await Promise.all(Array.from({ length: 8 }, () => org.request("POST", PATH, valid)));
    expect(again.filter((r) => r.status === 201)).toHaveLength(3);
  });
  it("the default limit is 20", async () => {
    const org = await createTestOrg(stack);
    await Promise.all(Array.from({ length: 20 }, () => create(org)));
    await expect400(org, "POST", PATH, valid, "endpoint_limit_reached");
  });
});

describe("tenant isolation", () => {
  it("another organization's endpoint is 404 on every route, and never listed", async () => {
    const a = await createTestOrg(stack);
    const b = await createTestOrg(stack);
    const ep = await create(a, { ...valid, label: "secret-of-a" });
    const calls: [string, string, unknown?][] = [
      ["GET", `${PATH}/${ep.id}`],
      ["PATCH", `${PATH}/${ep.id}`, { label: "mine now" }],
      ["PATCH", `${PATH}/${ep.id}`, { status: "disabled" }],
      ["POST", `${PATH}/${ep.id}/rotate-secret`],
      ["DELETE", `${PATH}/${ep.id}`],
    ];
    for (const [method, path, body] of calls) {
      const res = await b.request(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error.code).toBe("not_found");
    }
    const list = await b.request("GET", PATH);
    expect(list.body.data).toEqual([]);
    // Nothing changed for the owner.
    const own = await a.request("GET", `${PATH}/${ep.id}`);
    expect(own.body).toMatchObject({ label: "secret-of-a", status: "active", secret_hint: ep.secret_hint });
  });
});
