/**
 * The API's routes as the OpenAPI document lists them, so the access and fuzz tests cover a
 * route the day it is added, plus the policy each route is expected to follow.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { expect } from "vitest";
import type { ApiEnv } from "../../core/api/env.js";
import type { Role } from "../../core/model/principal.js";
import { callApp, type TestResponse } from "../support/api.js";

export interface Route {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** OpenAPI form: `/v1/webhook-endpoints/{id}`. */
  path: string;
  /** Path parameter names in order. */
  params: string[];
  hasBody: boolean;
  key: string;
}

export async function routesOf(app: OpenAPIHono<ApiEnv>): Promise<Route[]> {
  const res = await app.request("/openapi.json");
  const doc = (await res.json()) as {
    paths: Record<string, Record<string, { requestBody?: unknown; security?: unknown[] }>>;
  };
  const routes: Route[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of ["get", "post", "put", "patch", "delete"] as const) {
      const op = item[method];
      if (!op) continue;
      const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      const m = method.toUpperCase() as Route["method"];
      routes.push({ method: m, path, params, hasBody: op.requestBody !== undefined, key: `${m} ${path}` });
    }
  }
  return routes;
}

/** Routes behind an API key (everything under /v1). */
export const authenticated = (routes: Route[]) => routes.filter((r) => r.path.startsWith("/v1/"));

/**
 * The least role a route needs. Reads are open to viewers (but the API key list); members
 * may also publish events and test events; everything else (resend and recover included)
 * needs an admin. A new write route is therefore expected to be
 * admin-only until it is listed here on purpose.
 */
const MEMBER_WRITES = new Set([
  "POST /v1/events",
  "POST /v1/backend/webhooks/test",
  "POST /v1/webhook-endpoints/test",
  "POST /v1/webhook-endpoints/{id}/test",
]);

/** POSTs that only read (they take a body, change nothing): open to viewers like the GETs. */
const READ_POSTS = new Set(["POST /v1/webhook-endpoints/{id}/filter/test"]);

/** Routes only the platform operator's admins may call (tenants get 403 whatever their role). */
export const isPlatformRoute = (r: Route) =>
  r.path.startsWith("/v1/organizations") || r.path.startsWith("/v1/dlq/");

/** Reads that are admin business (API keys: who holds which access; an endpoint's secret). */
const ADMIN_READS = new Set([
  "GET /v1/api-keys",
  "GET /v1/webhook-endpoints/{id}/secret",
  "GET /v1/backend/webhooks/{id}/secret",
  // Erasure records: which data subjects were erased, and by whom (docs/data.md).
  "GET /v1/erasures",
  "GET /v1/erasures/{id}",
  // Seed 001's page: every route of its endpoints is for admins (docs/seeds.md).
  "GET /v1/developer/webhook-endpoints",
]);

export function leastRole(r: Route): Role {
  if (ADMIN_READS.has(r.key)) return "admin";
  if (r.method === "GET" || READ_POSTS.has(r.key)) return "viewer";
  if (MEMBER_WRITES.has(r.key)) return "member";
  return "admin";
}

export interface Ids {
  /** The agent of the `endpoint` fixture (its `agent_id`). */
  agent: string;
  endpoint: string;
  event: string;
  apiKey: string;
  org: string;
  portalSession: string;
  /** An attempt of `event` at `endpoint`. */
  attempt: string;
  /** A custom event type of the organization (its name). */
  eventType: string;
  /** A tracked task of the organization (docs/tasks.md). */
  task: string;
  /** An erasure record of the organization (docs/data.md). */
  erasure: string;
}

/** Which fixture a path parameter names: by its name and the collection before it. */
export function paramKind(r: Route, param: string): keyof Ids {
  if (param === "endpoint_id") return "endpoint";
  if (param === "attempt_id") return "attempt";
  if (param === "agent_id") return "agent";
  if (param === "org_id") return "org";
  const segments = r.path.split("/");
  const at = segments.indexOf(`{${param}}`);
  const collection = segments[at - 1];
  switch (collection) {
    case "webhook-endpoints":
    case "webhooks":
    case "endpoints":
      return "endpoint";
    case "events":
      return "event";
    case "api-keys":
      return "apiKey";
    case "organizations":
      return "org";
    case "portal-sessions":
      return "portalSession";
    case "event-types":
      return "eventType";
    case "tasks":
      return "task";
    case "erasures":
      return "erasure";
    default:
      throw new Error(`no fixture for {${param}} in ${r.key}: add one to test/security/routes.ts`);
  }
}

export function concretePath(r: Route, ids: Ids): string {
  return r.params.reduce(
    (p, name) => p.replace(`{${name}}`, encodeURIComponent(ids[paramKind(r, name)])),
    r.path,
  );
}

/** A body that passes validation where one is needed (so a 404 comes from the lookup, not a 400). */
export function validBody(r: Route): unknown {
  switch (r.key) {
    case "POST /v1/webhook-endpoints":
      return {
        url: "https://example.com/hook",
        event_types: ["voice.call.ended"],
        description: "fixture",
        headers: { "x-team": "blue" },
      };
    case "PATCH /v1/webhook-endpoints/{id}":
    case "PATCH /v1/agents/{agent_id}/webhooks/{id}":
    case "PUT /v1/agents/{agent_id}/webhooks/{id}":
      return { description: "changed by someone", headers: { "x-team": "red" } };
    case "POST /v1/agents/{agent_id}/webhooks":
      return { name: "fixture", webhook_url: "https://example.com/agent-hook", events: ["voice.call.ended"] };
    case "POST /v1/developer/webhook-endpoints":
      return { label: "fixture", url: "https://example.com/dev-hook", events: ["telephony.complete"] };
    case "PATCH /v1/developer/webhook-endpoints/{endpoint_id}":
      return { label: "changed by someone" };
    case "POST /v1/backend/webhooks":
    case "POST /v1/webhooks/endpoints":
      return { url: "https://example.com/profile-hook", description: "fixture" };
    case "POST /v1/api-keys":
      return { name: "fixture", role: "viewer" };
    case "POST /v1/event-types":
      return { name: `fixture.t${Math.random().toString(36).slice(2, 8)}`, description: "fixture" };
    case "POST /v1/events":
      return { type: "voice.call.ended", data: { call_id: "c_1" } };
    case "POST /v1/webhook-endpoints/{id}/replay":
    case "POST /v1/webhook-endpoints/{id}/recover":
      return { since: new Date(Date.now() - 3600_000).toISOString() };
    case "POST /v1/organizations":
      return { name: "Fixture Inc" };
    case "PATCH /v1/event-types/{name}":
      return { description: "changed by someone" };
    case "POST /v1/erasures":
      return { subject: "fixture-subject" };
    default:
      return r.hasBody ? {} : undefined;
  }
}

/**
 * One endpoint, one event and one API key created through the API as `key`'s organization
 * `org`, and well-formed ids that exist nowhere for the rest: the fixtures a test that calls
 * every route needs (the fuzz and keep-alive tests).
 */
export async function createRouteFixtures(app: OpenAPIHono<ApiEnv>, key: string, org: string): Promise<Ids> {
  const call = (m: string, p: string, b?: unknown) =>
    callApp(app, m, p, b, { authorization: `Bearer ${key}` });
  const ep = await call("POST", "/v1/webhook-endpoints", { url: "https://example.com/fixture" });
  const ev = await call("POST", "/v1/events", { type: "voice.call.ended", data: { fixture: true } });
  const k = await call("POST", "/v1/api-keys", { name: "fixture", role: "viewer" });
  const t = await call("POST", "/v1/event-types", { name: "fixture.route", description: "fixture" });
  expect([ep.status, ev.status, k.status, t.status]).toEqual([201, 202, 201, 201]);
  return {
    agent: "agent_none",
    endpoint: ep.body.id,
    event: ev.body.id,
    apiKey: k.body.id,
    org,
    portalSession: "ps_00000000000000000000000000",
    attempt: "att_00000000000000000000000000",
    eventType: t.body.name,
    task: "task_00000000000000000000000000",
    erasure: "era_00000000000000000000000000",
  };
}

/**
 * The error body a route answers in: this API's `{error: {code, message}}`, or the shape of
 * the API profile the path belongs to (docs/seeds.md): FastAPI's `{detail}` (seeds 000, 004)
 * or Laravel's `{message, errors?}` (seed 003). Those two also answer 422 for a failed schema.
 */
export function errorShapeOf(path: string): "hookrelay" | "fastapi" | "laravel" {
  if (path.startsWith("/webhooks/endpoints") || path.startsWith("/v1/webhooks/endpoints")) return "fastapi";
  if (path.startsWith("/api/v1/agents/")) return "laravel";
  return "hookrelay";
}

/** The error body is in the route's shape; `code` (this API's shape only) is checked when given. */
export function expectErrorBody(r: Route, res: TestResponse, what: string, code?: string) {
  const body = res.body;
  switch (errorShapeOf(r.path)) {
    case "hookrelay":
      expect(body?.error?.code, what).toBeTypeOf("string");
      expect(body?.error?.message, what).toBeTypeOf("string");
      if (code !== undefined) expect(body.error.code, what).toBe(code);
      return;
    case "fastapi":
      if (res.status !== 422) return void expect(body?.detail, what).toBeTypeOf("string");
      expect(Array.isArray(body?.detail), what).toBe(true);
      for (const d of body.detail) {
        expect([Array.isArray(d.loc), typeof d.msg, typeof d.type], what).toEqual([true, "string", "string"]);
      }
      return;
    case "laravel":
      expect(body?.message, what).toBeTypeOf("string");
      if (res.status === 422) expect(body?.errors, what).toBeTypeOf("object");
  }
}
