/**
 * Access control over every route the OpenAPI document lists (new routes are covered the day
 * they are added):
 * - missing, malformed, unknown and revoked keys: 401 on every route, the key never echoed;
 * - every route x role (viewer, member, admin, and the platform operator's admins);
 * - every route with another organization's ids: 404 (403 on platform routes), nothing of
 *   the other tenant in the answer, nothing of it changed; lists and forged cursors too;
 * - secrets and raw API keys appear only in the response that creates (or rotates) them:
 *   never in lists, reads, errors, or anything logged while the service runs (stdout,
 *   stderr and console are captured for the whole file, logger at DEBUG, real deliveries
 *   and failures included).
 */
import { randomBytes } from "node:crypto";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../core/api/app.js";
import type { ApiEnv } from "../../core/api/env.js";
import { createApiKey } from "../../core/auth/api-keys.js";
import { generateApiKey } from "../../core/auth/keys.js";
import { createIngestHandler } from "../../core/events/ingest-handler.js";
import { logger } from "../../core/log/logger.js";
import type { Role } from "../../core/model/principal.js";
import { bootstrapOrg } from "../../core/orgs/bootstrap.js";
import { startTask } from "../../core/tasks/index.js";
import { callApp, type TestResponse } from "../support/api.js";
import { type Capture, captureOutput } from "../support/capture.js";
import { type DeliveryPollers, startDelivery } from "../support/delivery.js";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { sqsEvent } from "../support/sqs-event.js";
import { createTestStack, type TestStack } from "../support/stack.js";
import { scanAll } from "../support/table.js";
import { waitFor } from "../support/wait.js";
import {
  authenticated,
  concretePath,
  expectErrorBody,
  type Ids,
  isPlatformRoute,
  leastRole,
  type Route,
  routesOf,
  validBody,
} from "./routes.js";

// The whole file runs at DEBUG: keep that off the terminal, scan it instead.
const capture: Capture = captureOutput({ echo: false });
let stack: TestStack;
let app: OpenAPIHono<ApiEnv>;
let routes: Route[];
let receiver: Receiver;
let delivery: DeliveryPollers;

interface Tenant {
  orgId: string;
  keys: Record<Role, string>;
}
let a: Tenant;
let b: Tenant;
let platform: Tenant;
let aIds: Ids;
/** Every secret and raw key this file creates: none may leak. */
const secrets = new Set<string>();

const rank: Record<Role, number> = { viewer: 0, member: 1, admin: 2 };
const ROLES: Role[] = ["viewer", "member", "admin"];
/** Well-formed ids that exist nowhere (so allowed calls cannot change anything). */
const NOWHERE: Ids = {
  agent: "agent_nowhere",
  endpoint: "ep_00000000000000000000000000",
  event: "msg_00000000000000000000000000",
  apiKey: "key_00000000000000000000000000",
  org: "org_nowhere",
  portalSession: "ps_00000000000000000000000000",
  attempt: "att_00000000000000000000000000",
  eventType: "nowhere.type",
  task: "task_00000000000000000000000000",
  erasure: "era_00000000000000000000000000",
};

async function tenant(orgId: string): Promise<Tenant> {
  const admin = generateApiKey("live");
  await bootstrapOrg(stack.deps, { orgId, name: orgId, apiKey: admin });
  const keys: Record<Role, string> = { admin, member: "", viewer: "" };
  for (const role of ["member", "viewer"] as const) {
    keys[role] = (await createApiKey(stack.deps, orgId, { name: role, role, mode: "live" })).raw;
  }
  for (const k of Object.values(keys)) secrets.add(k);
  return { orgId, keys };
}

function call(key: string | undefined, method: string, path: string, body?: unknown, headers = {}) {
  const auth: Record<string, string> = key === undefined ? {} : { authorization: `Bearer ${key}` };
  return callApp(app, method, path, body, { ...auth, ...headers });
}

/** Remembers any secret or key a response hands out. */
function collect(res: TestResponse): TestResponse {
  const found = res.text.match(/whsec_[A-Za-z0-9+/=]{20,}|sk_(live|test)_[A-Za-z0-9_-]{20,}/g) ?? [];
  for (const s of found) secrets.add(s);
  return res;
}

function expectNoSecret(text: string, where: string) {
  for (const s of secrets) {
    expect(text.includes(s), `${where} contains a secret or key (${s.slice(0, 10)}…)`).toBe(false);
    if (s.startsWith("whsec_")) {
      expect(text.includes(s.slice("whsec_".length)), `${where} contains a secret's base64`).toBe(false);
    }
  }
}

beforeAll(async () => {
  logger.setLogLevel("DEBUG");
  const platformOrg = `org_platform${randomBytes(4).toString("hex")}`;
  stack = await createTestStack({
    PLATFORM_ORG_ID: platformOrg,
    RETRY_SCHEDULE: "1",
    ENDPOINT_CACHE_SECONDS: "0",
  });
  app = createApp(stack.deps);
  routes = authenticated(await routesOf(app));
  platform = await tenant(platformOrg);
  a = await tenant(`org_a${randomBytes(4).toString("hex")}`);
  b = await tenant(`org_b${randomBytes(4).toString("hex")}`);

  receiver = await startReceiver({ plan: [{ status: 500, body: "nope" }] });
  delivery = startDelivery(stack);
  const ep = collect(
    await call(a.keys.admin, "POST", "/v1/webhook-endpoints", {
      url: receiver.url,
      description: "A's endpoint",
      agent_id: "agent_a",
      max_retries: 2,
      headers: { "x-tenant": "a" },
    }),
  );
  expect(ep.status).toBe(201);
  const own = `whsec_${randomBytes(32).toString("base64")}`;
  secrets.add(own);
  expect(
    (await call(a.keys.admin, "POST", "/v1/webhook-endpoints", { url: `${receiver.url}?own`, secret: own }))
      .status,
  ).toBe(201);
  const rotated = collect(
    await call(a.keys.admin, "POST", `/v1/webhook-endpoints/${ep.body.id}/rotate-secret`),
  );
  expect(rotated.status).toBe(200);
  const ev = await call(a.keys.member, "POST", "/v1/events", {
    type: "voice.call.ended",
    agent_id: "agent_a",
    data: { call_id: "c_a" },
  });
  expect(ev.status).toBe(202);
  const key = collect(await call(a.keys.admin, "POST", "/v1/api-keys", { name: "spare", role: "viewer" }));
  expect(key.status).toBe(201);
  const type = await call(a.keys.admin, "POST", "/v1/event-types", {
    name: "a.private",
    description: "A's own",
  });
  expect(type.status).toBe(201);
  const task = await startTask(stack.deps, { org: a.orgId, kind: "fixture", params: {} });
  const erasure = await call(a.keys.admin, "POST", "/v1/erasures", { subject: "nobody-of-a" });
  expect(erasure.status).toBe(202);
  const session = collect(await call(a.keys.admin, "POST", "/v1/portal-sessions", {}));
  expect(session.status).toBe(201);
  secrets.add(session.body.token);
  // The event is delivered (500 twice, then 200: failures and successes are logged).
  await receiver.waitForRequests(3, 30_000);
  const attempt = await waitFor(
    async () => {
      const list = await call(a.keys.admin, "GET", `/v1/events/${ev.body.id}/attempts`);
      return (list.body.data as { id: string; endpoint_id: string }[]).find(
        (x) => x.endpoint_id === ep.body.id,
      );
    },
    { what: "an attempt of A's event at A's endpoint", timeoutMs: 30_000 },
  );
  aIds = {
    agent: "agent_a",
    endpoint: ep.body.id,
    event: ev.body.id,
    apiKey: key.body.id,
    org: a.orgId,
    portalSession: session.body.id,
    attempt: attempt.id,
    eventType: type.body.name,
    task: task.id,
    erasure: erasure.body.id,
  };
}, 90_000);

afterAll(async () => {
  await delivery?.stop();
  await receiver?.close();
  capture.stop();
});

describe("keys", () => {
  it("missing, malformed, unknown and revoked keys are 401 on every route, the key never echoed", async () => {
    const revoked = (await createApiKey(stack.deps, a.orgId, { name: "gone", role: "admin", mode: "live" }))
      .raw;
    secrets.add(revoked);
    const list = await call(a.keys.admin, "GET", "/v1/api-keys?limit=100");
    const id = list.body.data.find((k: { name: string }) => k.name === "gone").id;
    expect((await call(a.keys.admin, "DELETE", `/v1/api-keys/${id}`)).status).toBe(204);

    const unknown = generateApiKey("live");
    const bad: Array<[string, Record<string, string>]> = [
      ["missing", {}],
      ["empty", { authorization: "" }],
      ["basic", { authorization: `Basic ${Buffer.from(`x:${a.keys.admin}`).toString("base64")}` }],
      ["no scheme", { authorization: a.keys.admin }],
      ["no token", { authorization: "Bearer" }],
      ["two tokens", { authorization: `Bearer ${a.keys.admin} ${a.keys.admin}` }],
      ["too short", { authorization: "Bearer sk_live_abc" }],
      ["wrong prefix", { authorization: `Bearer pk_live_${"a".repeat(40)}` }],
      ["bad characters", { authorization: `Bearer sk_live_${"a".repeat(30)}!` }],
      ["hash instead of key", { authorization: `Bearer ${"0".repeat(64)}` }],
      ["unknown", { authorization: `Bearer ${unknown}` }],
      ["revoked", { authorization: `Bearer ${revoked}` }],
      ["X-API-Key unknown", { "x-api-key": unknown }],
      ["X-API-Key revoked", { "x-api-key": revoked }],
      ["X-API-Key empty", { "x-api-key": " " }],
      [
        "X-API-Key naming another key than Bearer",
        { authorization: `Bearer ${a.keys.admin}`, "x-api-key": unknown },
      ],
      [
        "changed by one character",
        { authorization: `Bearer ${a.keys.admin.slice(0, -1)}${a.keys.admin.endsWith("A") ? "B" : "A"}` },
      ],
    ];
    for (const r of routes) {
      for (const [name, headers] of bad) {
        const res = await callApp(app, r.method, concretePath(r, aIds), validBody(r), headers);
        const what = `${r.key} with a ${name} key`;
        expect(res.status, `${what}: ${res.text}`).toBe(401);
        expectErrorBody(r, res, what, "unauthorized");
        expectNoSecret(res.text, what);
        expect(res.text.includes(unknown), what).toBe(false);
      }
    }
  });
});

describe("roles", () => {
  it("every route x role: forbidden is 403 before anything happens, allowed is never 401/403", async () => {
    for (const r of routes) {
      for (const role of ROLES) {
        const res = collect(await call(a.keys[role], r.method, concretePath(r, NOWHERE), validBody(r)));
        const what = `${role} ${r.key} => ${res.status} ${res.text.slice(0, 200)}`;
        expect(res.status, what).toBeLessThan(500);
        const allowed = !isPlatformRoute(r) && rank[role] >= rank[leastRole(r)];
        if (allowed) expect([401, 403], what).not.toContain(res.status);
        else {
          expect(res.status, what).toBe(403);
          expectErrorBody(r, res, what, "forbidden");
        }
      }
    }
  });

  it("platform routes: only the platform organization's admins", async () => {
    for (const r of routes.filter(isPlatformRoute)) {
      for (const role of ROLES) {
        const res = collect(
          await call(platform.keys[role], r.method, concretePath(r, NOWHERE), validBody(r)),
        );
        const what = `platform ${role} ${r.key} => ${res.status} ${res.text.slice(0, 200)}`;
        if (role === "admin") expect([401, 403], what).not.toContain(res.status);
        else expect(res.status, what).toBe(403);
      }
    }
  });

  it("viewers read every GET route of their own organization (but the key list)", async () => {
    for (const r of routes.filter(
      (x) => x.method === "GET" && !isPlatformRoute(x) && leastRole(x) === "viewer",
    )) {
      const res = await call(a.keys.viewer, "GET", concretePath(r, aIds));
      expect(res.status, `${r.key}: ${res.text.slice(0, 200)}`).toBe(200);
      expectNoSecret(res.text, r.key);
    }
  });
});

describe("tenant isolation", () => {
  it("another organization's ids are 404 on every route, with nothing of it in the answer", async () => {
    const before = await aSnapshot();
    const aValues = [a.orgId, aIds.endpoint, aIds.event, aIds.apiKey, receiver.url, "A's endpoint"];
    for (const r of routes.filter((x) => x.params.length > 0)) {
      const res = await call(b.keys.admin, r.method, concretePath(r, aIds), validBody(r));
      const what = `B ${r.key} with A's ids => ${res.status} ${res.text.slice(0, 200)}`;
      // An agent id is a name within each organization, not A's: B listing it sees B's own
      // endpoints of that agent (none), and B may create one of its own.
      const agentOnly = r.params.join() === "agent_id";
      const expected = isPlatformRoute(r) ? 403 : !agentOnly ? 404 : r.method === "GET" ? 200 : 201;
      expect(res.status, what).toBe(expected);
      if (agentOnly && r.method === "GET") expect(res.body.data, what).toEqual([]);
      for (const v of aValues) expect(res.text.includes(v), `${what} mentions ${v}`).toBe(false);
      expectNoSecret(res.text, what);
    }
    // Nothing of A changed: same endpoint, same keys working, same event.
    expect(await aSnapshot()).toEqual(before);
    expect((await call(a.keys.admin, "GET", "/v1/api-keys")).status).toBe(200);
  });

  it("lists show only the caller's own items, and a cursor from another tenant reveals nothing", async () => {
    for (const r of routes.filter(
      (x) => x.method === "GET" && x.params.length === 0 && !isPlatformRoute(x),
    )) {
      const res = await call(b.keys.admin, "GET", r.path);
      expect(res.status, r.key).toBe(200);
      for (const v of [a.orgId, aIds.endpoint, aIds.event, aIds.apiKey, receiver.url]) {
        expect(res.text.includes(v), `${r.key} as B mentions ${v}`).toBe(false);
      }
    }
    for (const path of ["/v1/webhook-endpoints", "/v1/api-keys", "/v1/events"]) {
      const page = await call(a.keys.admin, "GET", `${path}?limit=1`);
      expect(page.body.next_cursor, path).toBeTypeOf("string");
      const res = await call(
        b.keys.admin,
        "GET",
        `${path}?limit=100&cursor=${encodeURIComponent(page.body.next_cursor)}`,
      );
      expect([200, 400], `${path}: ${res.text}`).toContain(res.status);
      for (const v of [a.orgId, aIds.endpoint, aIds.event, aIds.apiKey, receiver.url]) {
        expect(res.text.includes(v), `${path} with A's cursor mentions ${v}`).toBe(false);
      }
    }
  });

  it("tenant data is keyed by the organization: no item of A carries B's id or the reverse", async () => {
    const items = await scanAll(stack.deps);
    for (const item of items) {
      const text = JSON.stringify(item);
      if (text.includes(a.orgId)) expect(text.includes(b.orgId)).toBe(false);
    }
  });
});

describe("secrets", () => {
  it("appear only in the create and rotate responses: never in reads, lists or errors", async () => {
    const reads = [
      "/v1/webhook-endpoints",
      `/v1/webhook-endpoints/${aIds.endpoint}`,
      "/v1/api-keys",
      "/v1/events",
      `/v1/events/${aIds.event}`,
      `/v1/webhook-endpoints/${aIds.endpoint}/attempts`,
      `/v1/events/${aIds.event}/attempts`,
    ];
    for (const path of reads) {
      const res = await call(a.keys.admin, "GET", path);
      expect(res.status, path).toBe(200);
      expectNoSecret(res.text, path);
    }
    const keys = await call(a.keys.admin, "GET", "/v1/api-keys");
    for (const k of keys.body.data) expect(k.prefix.length, k.prefix).toBeLessThanOrEqual(12);

    // The one read that returns a secret, for admins (its log line must not carry it: next test).
    const read = collect(await call(a.keys.admin, "GET", `/v1/webhook-endpoints/${aIds.endpoint}/secret`));
    expect(read.status).toBe(200);
    expect(read.body.secret).toMatch(/^whsec_/);
    expect(read.body.previous_secret).toMatch(/^whsec_/);

    // Errors quoting bad input: a malformed secret, an invalid key, are not echoed.
    const badSecret = `whsec_${randomBytes(8).toString("base64")}`;
    secrets.add(badSecret);
    const res = await call(a.keys.admin, "POST", "/v1/webhook-endpoints", {
      url: "https://example.com/x",
      secret: badSecret,
    });
    expect(res.status).toBe(400);
    expectNoSecret(res.text, "invalid secret error");
    const ok = collect(
      await call(a.keys.admin, "POST", "/v1/webhook-endpoints", { url: "https://example.com/y", bogus: 1 }),
    );
    expect(ok.status).toBe(400);
  });

  it("nothing logged while the service ran contains a secret or a key", async () => {
    // Exercise the logging paths once more: an invalid ingest message and a failing delivery.
    await createIngestHandler(stack.deps)(
      sqsEvent([JSON.stringify({ org_id: a.orgId, type: "nope.nope", data: { secret: "x" } })]),
    );
    logger.debug("capture-marker");
    await waitFor(() => capture.text().includes("capture-marker"), {
      what: "the logger's output in the capture",
    });
    const text = capture.text();
    expect(text).toMatch(/delivery attempt failed/); // the delivery path did log
    expect(text).toMatch(/invalid ingest message dead-lettered/);
    expect(secrets.size).toBeGreaterThanOrEqual(12);
    expectNoSecret(text, "captured output");
    // The table stores no raw key and no secret outside endpoint items.
    for (const item of await scanAll(stack.deps)) {
      const t = JSON.stringify(item);
      for (const s of secrets) {
        if (s.startsWith("sk_")) expect(t.includes(s), "raw API key in the table").toBe(false);
        else if (t.includes(s)) expect(String(item.sk), "secret outside an endpoint item").toMatch(/^EP#/);
      }
    }
  });
});

async function aSnapshot() {
  const ep = await call(a.keys.admin, "GET", `/v1/webhook-endpoints/${aIds.endpoint}`);
  const ev = await call(a.keys.admin, "GET", `/v1/events/${aIds.event}`);
  const keys = await call(a.keys.admin, "GET", "/v1/api-keys?limit=100");
  return {
    endpoint: {
      ...ep.body,
      consecutive_failures: undefined,
      last_delivery_at: undefined,
      last_error: undefined,
      updated_at: undefined,
      status: undefined,
      failing_since: undefined,
    },
    event: { id: ev.body.id, data: ev.body.data, type: ev.body.type },
    keys: keys.body.data.map((k: { id: string; revoked_at: string | null }) => [k.id, k.revoked_at]),
  };
}
