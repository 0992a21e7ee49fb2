/**
 * Hostile bodies to every route over ONE keep-alive connection, on the server `npm start` runs
 * (local/server.ts): every request gets a whole answer (no 5xx, no reset, no "fetch failed"),
 * and an answer given before the body was read (401, 413, 415) either reads the rest of it or
 * says `connection: close` and closes without a reset.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import { Readable } from "node:stream";
import { Agent, request } from "undici";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createApp } from "../../core/api/app.js";
import { generateApiKey } from "../../core/auth/keys.js";
import { logger } from "../../core/log/logger.js";
import { bootstrapOrg } from "../../core/orgs/bootstrap.js";
import { type ApiServer, DRAIN_MAX_BYTES, serveApi } from "../../local/server.js";
import { createTestStack } from "../support/stack.js";
import { concretePath, createRouteFixtures, type Ids, type Route, routesOf } from "./routes.js";

const MiB = 1024 * 1024;

let server: ApiServer;
let key: string;
let ids: Ids;
let routes: Route[];
let connections = 0;

beforeAll(async () => {
  logger.setLogLevel("ERROR");
  const orgId = `org_ka${randomBytes(4).toString("hex")}`;
  const stack = await createTestStack({ PLATFORM_ORG_ID: orgId });
  const app = createApp(stack.deps);
  key = generateApiKey("test");
  await bootstrapOrg(stack.deps, { orgId, name: "keep-alive", apiKey: key });
  ids = await createRouteFixtures(app, key, orgId);
  // Deletes last: they may remove the fixtures (or the organization) the others use.
  const all = await routesOf(app);
  routes = [...all.filter((r) => r.method !== "DELETE"), ...all.filter((r) => r.method === "DELETE")];
  server = await serveApi(app.fetch);
  server.server.on("connection", () => {
    connections++;
  });
});

afterAll(async () => {
  await server?.close();
});

/** A body sent in chunks, without content-length. */
function chunked(bytes: number): Readable {
  return Readable.from(
    (function* () {
      const chunk = Buffer.alloc(64 * 1024, "x");
      yield Buffer.from('{"description":"');
      for (let sent = 0; sent < bytes; sent += chunk.length) yield chunk;
      yield Buffer.from('"}');
    })(),
  );
}

interface Hostile {
  name: string;
  headers: Record<string, string>;
  body: () => string | Readable;
}

const bad = "sk_test_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const big = (n: number) => `{"description":"${"x".repeat(n)}"}`;
const hostile = (): Hostile[] => [
  { name: "oversized", headers: { authorization: `Bearer ${key}` }, body: () => big(MiB + 1) },
  { name: "oversized 5 MiB", headers: { authorization: `Bearer ${key}` }, body: () => big(5 * MiB) },
  { name: "oversized chunked", headers: { authorization: `Bearer ${key}` }, body: () => chunked(2 * MiB) },
  { name: "invalid JSON", headers: { authorization: `Bearer ${key}` }, body: () => '{"description":' },
  {
    name: "wrong content-type",
    headers: { authorization: `Bearer ${key}`, "content-type": "text/plain" },
    body: () => big(64 * 1024),
  },
  { name: "no auth", headers: {}, body: () => big(512 * 1024) },
  { name: "bad auth", headers: { authorization: `Bearer ${bad}` }, body: () => big(MiB + 1) },
  { name: "bad auth chunked", headers: { "x-api-key": bad }, body: () => chunked(MiB) },
];

it("every route, every hostile body, one keep-alive connection: no 5xx, no connection error", async () => {
  const agent = new Agent({ connections: 1, pipelining: 1, keepAliveTimeout: 60_000 });
  const failures: string[] = [];
  let requests = 0;
  try {
    for (const r of routes) {
      for (const h of hostile()) {
        const what = `${r.key} (${h.name})`;
        requests++;
        try {
          const res = await request(`${server.url}${concretePath(r, ids)}`, {
            method: r.method,
            dispatcher: agent,
            // undici closes a connection after a body on a method that expects none (GET, DELETE)
            reset: false,
            headers: { "content-type": "application/json", ...h.headers },
            body: h.body(),
          });
          const text = await res.body.text();
          if (res.statusCode >= 500) failures.push(`${what}: ${res.statusCode} ${text.slice(0, 200)}`);
        } catch (err) {
          const e = err as Error & { code?: string };
          failures.push(`${what}: ${e.code ?? ""} ${e.message}`);
        }
      }
    }
  } finally {
    await agent.close();
  }
  expect(failures).toEqual([]);
  expect(requests).toBeGreaterThan(routes.length * 7);
  // Everything above was read to its end: the one connection served every request.
  expect(connections).toBe(1);
  // A safety net, not a speed claim: the requests grow with the routes (eight bodies of up
  // to 5 MiB per route, over 700 in all), and a loaded 2-core machine took over 60 s.
}, 240_000);

it("a body beyond the drain bound: the answer says connection: close and arrives whole", async () => {
  const agent = new Agent({ connections: 1, keepAliveTimeout: 60_000 });
  const before = connections;
  try {
    const send = async (body: string | Readable, headers: Record<string, string> = {}) => {
      const res = await request(`${server.url}/v1/events`, {
        method: "POST",
        dispatcher: agent,
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers },
        body,
      });
      return { status: res.statusCode, connection: res.headers.connection, text: await res.body.text() };
    };
    const declared = await send(big(DRAIN_MAX_BYTES + 1));
    expect(declared).toMatchObject({ status: 413, connection: "close" });
    expect(JSON.parse(declared.text).error.code).toBe("payload_too_large");
    const streamed = await send(chunked(DRAIN_MAX_BYTES + MiB));
    expect(streamed).toMatchObject({ status: 413, connection: "close" });
    // The next request is answered on a new connection, as announced.
    const next = await send(JSON.stringify({ type: "voice.call.ended", data: {} }));
    expect(next).toMatchObject({ status: 202, connection: "keep-alive" });
    expect(connections - before).toBe(3);
  } finally {
    await agent.close();
  }
});

it("node:http with a keep-alive Agent, a body beyond the bound: the answer, and no EPIPE or reset", async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const size = DRAIN_MAX_BYTES + MiB;
  const post = () =>
    new Promise<{ status?: number; connection?: string; errors: string[] }>((resolve) => {
      const errors: string[] = [];
      let answer: { status?: number; connection?: string } = {};
      const req = http.request(`${server.url}/v1/events`, {
        method: "POST",
        agent,
        headers: {
          authorization: `Bearer ${key}`,
          "content-type": "application/json",
          "content-length": size,
        },
      });
      req.on("response", (res) => {
        answer = { status: res.statusCode, connection: res.headers.connection };
        res.resume();
      });
      req.on("error", (e: Error & { code?: string }) => errors.push(e.code ?? e.message));
      // Settles once the socket is gone: an error after the answer counts too.
      req.on("close", () => resolve({ ...answer, errors }));
      const chunk = Buffer.alloc(64 * 1024, "x");
      let sent = 0;
      const write = () => {
        while (sent < size) {
          sent += chunk.length;
          if (!req.write(sent > size ? chunk.subarray(0, chunk.length - (sent - size)) : chunk)) {
            req.once("drain", write);
            return;
          }
        }
        req.end();
      };
      write();
    });
  try {
    for (let i = 0; i < 3; i++) {
      expect(await post()).toEqual({ status: 413, connection: "close", errors: [] });
    }
  } finally {
    agent.destroy();
  }
});
