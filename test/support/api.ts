/**
 * Calls the real Hono app (createApp) in-process, against the test stack's DynamoDB Local,
 * as a fresh organization with an API key of the given role.
 *
 *   const org = await createTestOrg(stack);           // admin
 *   const res = await org.request("POST", "/v1/webhook-endpoints", { url: "https://…" });
 *   expect(res.status).toBe(201); res.body.secret …
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { createApp } from "../../core/api/app.js";
import type { ApiEnv } from "../../core/api/env.js";
import { createApiKey } from "../../core/auth/api-keys.js";
import { generateApiKey } from "../../core/auth/keys.js";
import type { KeyMode, Role } from "../../core/model/principal.js";
import { bootstrapOrg } from "../../core/orgs/bootstrap.js";
import { type TestStack, uniqueOrg } from "./stack.js";

// biome-ignore lint/suspicious/noExplicitAny: test bodies are read field by field in assertions.
export type JsonBody = any;

export interface TestResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or null for an empty body (204) or a non-JSON one (see `text`). */
  body: JsonBody;
  text: string;
}

export interface TestOrg {
  orgId: string;
  /** Raw admin (or `role`) key: `sk_test_…`. */
  apiKey: string;
  app: OpenAPIHono<ApiEnv>;
  /** `body` is sent as JSON unless it is a string (sent as is). Adds the Bearer key unless `authorization` is given. */
  request(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<TestResponse>;
}

const apps = new WeakMap<TestStack, OpenAPIHono<ApiEnv>>();

/** One app per stack, so every org of a test file shares it (like one Lambda container). */
export function appOf(stack: TestStack): OpenAPIHono<ApiEnv> {
  let app = apps.get(stack);
  if (!app) {
    app = createApp(stack.deps);
    apps.set(stack, app);
  }
  return app;
}

export async function callApp(
  app: OpenAPIHono<ApiEnv>,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<TestResponse> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    const h = init.headers as Record<string, string>;
    if (!Object.keys(h).some((k) => k.toLowerCase() === "content-type"))
      h["content-type"] = "application/json";
  }
  const res = await app.request(path, init);
  const text = await res.text();
  let parsed: JsonBody = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/**
 * One request over HTTP to a running stack (startTestLocalStack, `npm start`) with `key` as its
 * Bearer key: the status and the parsed JSON body (null when there is none).
 */
export async function callHttp(
  baseUrl: string,
  key: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: JsonBody }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

/** An organization and a key of the given role and mode (test keys by default, as a developer's). */
export async function createTestOrg(
  stack: TestStack,
  role: Role = "admin",
  mode: KeyMode = "test",
): Promise<TestOrg> {
  const orgId = uniqueOrg();
  const app = appOf(stack);
  let apiKey = generateApiKey(mode);
  await bootstrapOrg(stack.deps, {
    orgId,
    name: `Test ${orgId}`,
    apiKey: role === "admin" ? apiKey : undefined,
  });
  if (role !== "admin") {
    ({ raw: apiKey } = await createApiKey(stack.deps, orgId, { name: `test ${role}`, role, mode }));
  }
  return {
    orgId,
    apiKey,
    app,
    request: (method, path, body, headers = {}) => {
      const auth: Record<string, string> = Object.keys(headers).some(
        (k) => k.toLowerCase() === "authorization",
      )
        ? {}
        : { authorization: `Bearer ${apiKey}` };
      return callApp(app, method, path, body, { ...auth, ...headers });
    },
  };
}
