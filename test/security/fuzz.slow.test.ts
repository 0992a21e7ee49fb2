/**
 * Hostile input, property-based (fast-check): every API route that takes a body (found in
 * the OpenAPI document, so new ones are fuzzed automatically) and the ingest message through
 * the ingest handler.
 *
 * Invariants, for every generated input:
 * - never a 5xx; every 4xx is the API's error shape;
 * - never a partial write: a rejected request leaves the whole table byte for byte as it was
 *   (a digest of every item), and a rejected ingest message is dead-lettered, not retried;
 * - nothing pollutes Object.prototype.
 *
 * Inputs: arbitrary JSON (unicode edge cases: lone surrogates, NUL, RTL/bidi controls, BOM,
 * line separators; prototype keys `__proto__`, `constructor`, `prototype`; duplicate keys),
 * valid bodies with one field replaced, malformed and truncated JSON, deep nesting (100,000
 * levels), huge strings, oversized bodies (413) and oversized headers.
 *
 * FUZZ_RUNS (default 20) sets the runs per property.
 */
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { OpenAPIHono } from "@hono/zod-openapi";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../core/api/app.js";
import type { ApiEnv } from "../../core/api/env.js";
import { generateApiKey } from "../../core/auth/keys.js";
import { DEFAULT_EVENT_TYPES } from "../../core/event-types/default-catalog.js";
import { createIngestHandler } from "../../core/events/ingest-handler.js";
import { logger } from "../../core/log/logger.js";
import { bootstrapOrg } from "../../core/orgs/bootstrap.js";
import { callApp, type TestResponse } from "../support/api.js";
import { queueCounts } from "../support/queues.js";
import { sqsEvent } from "../support/sqs-event.js";
import { createTestStack, type TestStack } from "../support/stack.js";
import { tableDigest } from "../support/table.js";
import {
  concretePath,
  createRouteFixtures,
  errorShapeOf,
  expectErrorBody,
  type Ids,
  type Route,
  routesOf,
  validBody,
} from "./routes.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
const ALLOWED = new Set([200, 201, 202, 204, 400, 401, 404, 409, 413, 415]);
const MiB = 1024 * 1024;

// ---------------------------------------------------------------- generators

const odd = [
  "\u0000",
  "\ud800",
  "\udfff",
  "\udc00\ud800",
  "\u202e",
  "\u200f",
  "\u2066",
  "\ufeff",
  "\u2028",
  "\uffff",
];
const unit = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.constantFrom(...odd) },
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
);
const hostileString = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit, maxLength: 40 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "",
      "__proto__",
      "constructor",
      "prototype",
      "../../etc/passwd",
      "<script>alert(1)</script>",
      "' OR '1'='1",
      "%00%0d%0aX-Injected: 1",
      "\r\nX-Injected: 1",
      "https://127.0.0.1/",
      "whsec_AAAA",
      "sk_live_AAAAAAAAAAAAAAAAAAAAAAAA",
      "voice.call.ended",
      "*",
      "1970-01-01T00:00:00Z",
      "9999-12-31T23:59:59.999Z",
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 300_000 }).map((n) => "x".repeat(n)) },
);
const hostileKey = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty", ""),
  },
  { weight: 5, arbitrary: hostileString },
);
const hostileNumber = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 1e308, -1e308, 5e-324, 2 ** 53 + 2, 2 ** 53, -1, 11, 30001),
);

/** A JSON document as text, so `__proto__` and duplicate keys stay literally in it. */
type Json = { t: "raw"; v: string } | { t: "arr"; v: Json[] } | { t: "obj"; v: [string, Json][] };
const { json } = fc.letrec<{ json: Json }>((tie) => ({
  json: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc
      .oneof(
        hostileString.map((s) => JSON.stringify(s)),
        hostileNumber.map((n) => JSON.stringify(n)),
        fc.constantFrom("true", "false", "null", "1e999", "-0", "0.0000001"),
      )
      .map((v): Json => ({ t: "raw", v })),
    fc.array(tie("json"), { maxLength: 5 }).map((v): Json => ({ t: "arr", v })),
    fc.array(fc.tuple(hostileKey, tie("json")), { maxLength: 6 }).map((v): Json => ({ t: "obj", v })),
  ),
}));
const text = (j: Json): string =>
  j.t === "raw"
    ? j.v
    : j.t === "arr"
      ? `[${j.v.map(text).join(",")}]`
      : `{${j.v.map(([k, v]) => `${JSON.stringify(k)}:${text(v)}`).join(",")}}`;

/** A valid body with one field replaced (or one added) by a hostile value. */
function mutated(valid: unknown) {
  const base = valid && typeof valid === "object" ? (valid as Record<string, unknown>) : {};
  const fields = Object.keys(base);
  return fc
    .tuple(fields.length > 0 ? fc.oneof(fc.constantFrom(...fields), hostileKey) : hostileKey, json)
    .map(([field, value]) => {
      const rest = Object.entries(base).filter(([k]) => k !== field);
      const entries = [
        ...rest.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`),
        `${JSON.stringify(field)}:${text(value)}`,
      ];
      return `{${entries.join(",")}}`;
    });
}

/** Malformed JSON: random text, a valid body cut short, or with trailing garbage. */
function malformed(valid: unknown) {
  const good = JSON.stringify(valid ?? {});
  return fc.oneof(
    fc.string({ unit, maxLength: 60 }),
    fc.integer({ min: 0, max: Math.max(0, good.length - 1) }).map((n) => good.slice(0, n)),
    fc.string({ unit, minLength: 1, maxLength: 10 }).map((g) => good + g),
    fc.constantFrom("", "null", "[]", "1", '"x"', "{", "}", "{,}", '{"a":}', "\ufeff{}", "{'a':1}", "NaN"),
  );
}

const deep = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;
const deepObj = (n: number) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`;

// ---------------------------------------------------------------- setup

let stack: TestStack;
let app: OpenAPIHono<ApiEnv>;
let key: string;
let ids: Ids;
let routes: Route[];
let baseline: string;

beforeAll(async () => {
  // Failures are expected by the thousand; errors (the 5xx path) stay visible.
  logger.setLogLevel("ERROR");
  const orgId = `org_fuzz${randomBytes(4).toString("hex")}`;
  stack = await createTestStack({ PLATFORM_ORG_ID: orgId, MAX_ENDPOINTS_PER_ORG: "1000" });
  app = createApp(stack.deps);
  key = generateApiKey("test");
  await bootstrapOrg(stack.deps, { orgId, name: "fuzz", apiKey: key });
  ids = await createRouteFixtures(app, key, orgId);
  routes = (await routesOf(app)).filter((r) => ["POST", "PUT", "PATCH"].includes(r.method));
  baseline = await tableDigest(stack.deps);
});

afterAll(() => {
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

async function send(
  r: Route,
  body: string | undefined,
  headers: Record<string, string> = {},
): Promise<TestResponse> {
  const h: Record<string, string> = { authorization: `Bearer ${key}`, ...headers };
  if (body !== undefined && !Object.keys(h).some((k) => k.toLowerCase() === "content-type")) {
    h["content-type"] = "application/json";
  }
  return callApp(app, r.method, concretePath(r, ids), body, h);
}

/** The invariants: no 5xx, the error shape, and not a byte written on a rejection. */
async function expectSafe(r: Route, res: TestResponse, input: string | undefined) {
  const what = `${r.key} <- ${JSON.stringify(input?.slice(0, 300))} => ${res.status} ${res.text.slice(0, 300)}`;
  const before = baseline;
  const digest = await tableDigest(stack.deps);
  baseline = digest;
  expect(res.status, what).toBeLessThan(500);
  // The API profiles of FastAPI and Laravel pages answer a failed schema with their 422.
  const profile422 = res.status === 422 && errorShapeOf(r.path) !== "hookrelay";
  expect(ALLOWED.has(res.status) || profile422, what).toBe(true);
  if (res.status >= 400) {
    expectErrorBody(r, res, what);
    expect(digest, `partial write: ${what}`).toBe(before);
  }
}

// ---------------------------------------------------------------- API bodies

// Every documented body is fuzzed in one test per property, so a test's time grows with the
// routes (the API profiles added nine): a bound for the whole table, not a speed check.
describe("API bodies", { timeout: 600_000 }, () => {
  it("the route list covers every documented body", () => {
    const keys = routes.filter((r) => r.hasBody).map((r) => r.key);
    for (const k of [
      "POST /v1/webhook-endpoints",
      "PATCH /v1/webhook-endpoints/{id}",
      "POST /v1/api-keys",
      "POST /v1/event-types",
      "POST /v1/events",
    ]) {
      expect(keys).toContain(k);
    }
  });

  it("arbitrary JSON documents", async () => {
    for (const r of routes) {
      await fc.assert(
        fc.asyncProperty(json, async (j) => {
          const body = text(j);
          await expectSafe(r, await send(r, body), body);
        }),
        { numRuns: RUNS },
      );
    }
  });

  it("valid bodies with one field replaced by a hostile value", async () => {
    for (const r of routes) {
      await fc.assert(
        fc.asyncProperty(mutated(validBody(r)), async (body) => {
          await expectSafe(r, await send(r, body), body);
        }),
        { numRuns: RUNS * 2 },
      );
    }
  });

  it("malformed and truncated JSON", async () => {
    for (const r of routes) {
      await fc.assert(
        fc.asyncProperty(malformed(validBody(r)), async (body) => {
          await expectSafe(r, await send(r, body), body);
        }),
        { numRuns: RUNS },
      );
    }
  });

  it("deep nesting, huge strings and prototype keys in every field", async () => {
    for (const r of routes) {
      const valid = validBody(r);
      const fields = valid && typeof valid === "object" ? Object.keys(valid) : [];
      const values = [
        deep(100_000),
        deepObj(10_000),
        deepObj(31),
        JSON.stringify("x".repeat(900_000)),
        JSON.stringify("\ud800".repeat(10_000)),
        '{"__proto__":{"polluted":true}}',
        '{"constructor":{"prototype":{"polluted":true}}}',
        '{"constructor":{"name":"Set"}}',
        '{"constructor":"x"}',
        '{"":"x"}',
        '{"toString":"x","valueOf":"y","hasOwnProperty":"z"}',
        '{"a":{"__proto__":{"polluted":true}}}',
        '[{"__proto__":{"polluted":true}}]',
      ];
      for (const field of [...fields, "__proto__", "constructor"]) {
        for (const v of values) {
          const rest = Object.entries(valid ?? {}).filter(([k]) => k !== field);
          const body = `{${[...rest.map(([k, x]) => `${JSON.stringify(k)}:${JSON.stringify(x)}`), `${JSON.stringify(field)}:${v}`].join(",")}}`;
          await expectSafe(r, await send(r, body), body);
        }
      }
      for (const body of [deep(200_000), deepObj(50_000), '{"__proto__":{"polluted":true}}']) {
        await expectSafe(r, await send(r, body), body);
      }
    }
  });

  it("event data: prototype keys and deep nesting are refused, not stored half-way", async () => {
    const publish = routes.find((r) => r.key === "POST /v1/events")!;
    // A top-level `__proto__` never reaches the service: the route's schema drops the key.
    for (const data of ['{"__proto__":{"polluted":true}}', '{"ok":1,"__proto__":{"polluted":true}}']) {
      const body = `{"type":"voice.call.ended","data":${data}}`;
      const res = await send(publish, body);
      await expectSafe(publish, res, body);
      if (res.status === 202) {
        const got = await callApp(app, "GET", `/v1/events/${res.body.id}`, undefined, {
          authorization: `Bearer ${key}`,
        });
        expect(Object.keys(got.body.data)).not.toContain("__proto__");
        expect(got.body.data.polluted).toBeUndefined();
      }
    }
    for (const data of [
      '{"a":{"__proto__":{"polluted":true}}}',
      '{"constructor":"x"}',
      '{"a":[{"constructor":{"name":"Set"}}]}',
      `{"a":${deepObj(30)}}`,
    ]) {
      const body = `{"type":"voice.call.ended","data":${data}}`;
      const res = await send(publish, body);
      await expectSafe(publish, res, body);
      expect(res.status, data).toBe(400);
    }
    const ok = `{"type":"voice.call.ended","data":{"a":${deepObj(28)},"s":"\\ud800\\u0000\\u202e"}}`;
    const res = await send(publish, ok);
    await expectSafe(publish, res, ok);
    expect(res.status).toBe(202);
    const got = await callApp(app, "GET", `/v1/events/${res.body.id}`, undefined, {
      authorization: `Bearer ${key}`,
    });
    expect(got.status).toBe(200);
    expect(got.body.data).toEqual(JSON.parse(ok).data);
  });

  it("oversized bodies are 413 and write nothing", async () => {
    for (const r of routes) {
      for (const size of [MiB + 1, 5 * MiB]) {
        const body = `{"description":"${"x".repeat(size)}"}`;
        const res = await send(r, body);
        await expectSafe(r, res, body.slice(0, 50));
        expect(res.status, r.key).toBe(413);
      }
    }
  });

  it("wrong or missing media types are refused without a write", async () => {
    for (const r of routes.filter((x) => x.hasBody)) {
      const body = JSON.stringify(validBody(r));
      for (const type of [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
      ]) {
        const res = await send(r, body, { "content-type": type });
        await expectSafe(r, res, `${type}: ${body}`);
        expect(res.status, `${r.key} ${type}`).toBeGreaterThanOrEqual(400);
      }
    }
  });

  it("oversized and hostile headers: never a 5xx", async () => {
    const r = routes.find((x) => x.key === "POST /v1/events")!;
    const body = JSON.stringify(validBody(r));
    const cases: Record<string, string>[] = [
      { authorization: `Bearer ${"A".repeat(100_000)}` },
      { authorization: `Bearer sk_live_${"A".repeat(10_000)}` },
      {
        authorization:
          "Bearer sk_live_\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000",
      },
      { "x-filler": "y".repeat(1_000_000) },
      { "content-type": `application/json; charset=${"x".repeat(10_000)}` },
      { "content-length": "99999999999" },
    ];
    for (const headers of cases) {
      const res = await callApp(app, r.method, r.path, body, {
        authorization: `Bearer ${key}`,
        "content-type": "application/json",
        ...headers,
      }).catch(
        (e: Error) =>
          ({
            status: 400,
            text: e.message,
            body: { error: { code: "client", message: "" } },
          }) as TestResponse,
      );
      await expectSafe(r, res, JSON.stringify(headers).slice(0, 100));
    }
  });

  it("over a real socket: an oversized header is refused by the server, a huge body with a 413", async () => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const big = await fetch(`${base}/v1/events`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${key}`,
          "content-type": "application/json",
          "x-big": "z".repeat(64 * 1024),
        },
        body: "{}",
      });
      expect(big.status).toBe(431);
      const huge = await fetch(`${base}/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: `{"type":"voice.call.ended","data":{"x":"${"x".repeat(2 * MiB)}"}}`,
      });
      expect(huge.status).toBe(413);
      // Chunked (no content-length): the limit holds on the stream as well.
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
          controller.enqueue(new TextEncoder().encode('{"type":"voice.call.ended","data":{"x":"'));
          for (let i = 0; i < 40; i++) controller.enqueue(chunk);
          controller.enqueue(new TextEncoder().encode('"}}'));
          controller.close();
        },
      });
      const chunked = await fetch(`${base}/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: stream,
        duplex: "half",
      } as RequestInit);
      expect(chunked.status).toBe(413);
      expect(await tableDigest(stack.deps)).toBe(baseline);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

// ---------------------------------------------------------------- ingest messages

describe("ingest messages through the ingest handler", () => {
  const types = DEFAULT_EVENT_TYPES.map((t) => t.name);

  /**
   * SQS itself refuses a message that is empty or holds characters outside
   * #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD (| #x10000-#x10FFFF on AWS, not in the
   * emulator), so no such body ever reaches the handler: escape them as JSON would
   * (\\uXXXX, per UTF-16 unit) to keep the case meaningful.
   */
  const sqsText = (body: string) =>
    // biome-ignore lint/suspicious/noControlCharactersInRegex: SQS's own character rule.
    body.replace(/[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd]/gu, (c) =>
      [...Array(c.length).keys()].map((i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, "0")}`).join(""),
    ) || " ";

  /** Runs one message; it is stored (table changed) or dead-lettered (DLQ +1), never retried. */
  async function ingest(raw: string) {
    const body = sqsText(raw);
    // Larger than SQS accepts (1 MiB): such a message never exists.
    fc.pre(Buffer.byteLength(body) < MiB);
    const handler = createIngestHandler(stack.deps);
    const dlqBefore = (await queueCounts(stack.deps.sqs, stack.config.queues.ingestDlq)).visible;
    const res = await handler(sqsEvent([body]));
    const what = JSON.stringify(body.slice(0, 300));
    const before = baseline;
    const digest = await tableDigest(stack.deps);
    baseline = digest;
    const dlqAfter = (await queueCounts(stack.deps.sqs, stack.config.queues.ingestDlq)).visible;
    expect(res.batchItemFailures, `transient failure for ${what}`).toEqual([]);
    if (digest === before) expect(dlqAfter, `neither stored nor dead-lettered: ${what}`).toBe(dlqBefore + 1);
    else expect(dlqAfter, `stored and dead-lettered: ${what}`).toBe(dlqBefore);
  }

  const message = fc.record(
    {
      org_id: fc.oneof(fc.constant("org_fuzz_ingest"), hostileString),
      type: fc.oneof(fc.constantFrom(...types), hostileString),
      data: fc.oneof({ weight: 3, arbitrary: json.filter((j) => j.t === "obj") }, json),
      id: fc.oneof(fc.stringMatching(/^[A-Za-z0-9._:-]{1,20}$/), hostileString),
      agent_id: fc.oneof(hostileString, hostileNumber.map(String)),
      deliver_at: fc.oneof(
        fc.date({ noInvalidDate: true }).map((d) => JSON.stringify(d.toISOString())),
        hostileString.map((s) => JSON.stringify(s)),
      ),
      extra: fc.tuple(hostileKey, json),
    },
    { requiredKeys: [] },
  );

  it("arbitrary messages: stored or dead-lettered, never a batch failure", async () => {
    await fc.assert(
      fc.asyncProperty(message, async (m) => {
        const parts: string[] = [];
        if (m.org_id !== undefined) parts.push(`"org_id":${JSON.stringify(m.org_id)}`);
        if (m.type !== undefined) parts.push(`"type":${JSON.stringify(m.type)}`);
        if (m.data !== undefined) parts.push(`"data":${text(m.data)}`);
        if (m.id !== undefined) parts.push(`"id":${JSON.stringify(m.id)}`);
        if (m.agent_id !== undefined) parts.push(`"agent_id":${JSON.stringify(m.agent_id)}`);
        if (m.deliver_at !== undefined) parts.push(`"deliver_at":${m.deliver_at}`);
        if (m.extra !== undefined) parts.push(`${JSON.stringify(m.extra[0])}:${text(m.extra[1])}`);
        await ingest(`{${parts.join(",")}}`);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it("malformed bodies, deep nesting, prototype keys and oversized data are dead-lettered", async () => {
    const valid = { org_id: "org_fuzz_ingest", type: "voice.call.ended", data: { a: 1 } };
    await fc.assert(
      fc.asyncProperty(malformed(valid), async (body) => {
        await ingest(body);
      }),
      { numRuns: RUNS },
    );
    const head = '{"org_id":"org_fuzz_ingest","type":"voice.call.ended","data":';
    for (const data of [
      `{"x":${deep(100_000)}}`,
      `{"x":${deepObj(40)}}`,
      '{"__proto__":{"polluted":true}}',
      '{"a":[{"__proto__":{"polluted":true}}]}',
      '{"constructor":{"name":"Map"}}',
      `{"x":"${"y".repeat(300 * 1024)}"}`,
    ]) {
      const before = baseline;
      await ingest(`${head}${data}}`);
      expect(baseline, data.slice(0, 40)).toBe(before);
    }
  });
});
