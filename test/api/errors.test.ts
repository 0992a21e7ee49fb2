import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../core/api/app.js";
import { callApp, createTestOrg, type TestOrg } from "../support/api.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
let org: TestOrg;
beforeAll(async () => {
  stack = await createTestStack();
  org = await createTestOrg(stack);
});

const PATH = "/v1/webhook-endpoints";

function expectErrorShape(body: { error: Record<string, unknown> }, code: string) {
  expect(Object.keys(body)).toEqual(["error"]);
  expect(body.error.code).toBe(code);
  expect(body.error.message).toEqual(expect.any(String));
  for (const k of Object.keys(body.error)) expect(["code", "message", "details"]).toContain(k);
}

describe("error mapping", () => {
  it("malformed JSON is 400 malformed_json", async () => {
    for (const raw of ["{", "{'url': 1}", "not json", ""]) {
      const res = await org.request("POST", PATH, raw, { "content-type": "application/json" });
      expect(res.status, raw).toBe(400);
      expectErrorShape(res.body, "malformed_json");
    }
  });

  it("a body that is not an object is a validation error", async () => {
    for (const body of [[], "null", "42", '"s"']) {
      const res = await org.request("POST", PATH, body);
      expect(res.status).toBe(400);
      expectErrorShape(res.body, "validation_error");
    }
  });

  it("validation errors list the paths in details, without echoing values", async () => {
    const res = await org.request("POST", PATH, {
      url: "https://example.com",
      max_retries: 99,
      headers: { a: 1 },
      secret_stuff: "hunter2",
    });
    expect(res.status).toBe(400);
    expectErrorShape(res.body, "validation_error");
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["max_retries", "headers.a"]));
    expect(res.text).toContain("secret_stuff");
    expect(res.text).not.toContain("hunter2");
  });

  it("bodies over 1 MiB are 413, with or without content-length", async () => {
    const big = JSON.stringify({ url: "https://example.com", description: "x".repeat(1024 * 1024) });
    const res = await org.request("POST", PATH, big);
    expect(res.status).toBe(413);
    expectErrorShape(res.body, "payload_too_large");
    const withLength = await org.request("POST", PATH, big, {
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(big)),
    });
    expect(withLength.status).toBe(413);
    // Just under the limit passes the size check (and fails validation instead).
    const under = JSON.stringify({ url: "https://example.com", description: "x".repeat(1000 * 1000) });
    expect((await org.request("POST", PATH, under)).status).toBe(400);
  });

  it("a body that is not JSON is 415", async () => {
    const res = await org.request("POST", PATH, "url=https://example.com", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(res.status).toBe(415);
    expectErrorShape(res.body, "unsupported_media_type");
  });

  it("unknown routes and methods are 404", async () => {
    for (const [method, path] of [
      ["GET", "/v1/nothing"],
      ["PUT", `${PATH}/ep_01ARZ3NDEKTSV4RRFFQ69G5FAV`],
      ["GET", "/nothing"],
    ] as const) {
      const res = await org.request(method, path);
      expect(res.status, `${method} ${path}`).toBe(404);
      expectErrorShape(res.body, "not_found");
    }
  });

  it("unexpected failures are 500 without internals", async () => {
    const broken = await createTestStack({ TABLE_NAME: "no-such-table-xyz" });
    const app = createApp(broken.deps);
    const res = await callApp(app, "GET", PATH, undefined, { authorization: `Bearer ${org.apiKey}` });
    expect(res.status).toBe(500);
    expectErrorShape(res.body, "internal_error");
    expect(res.text).not.toContain("no-such-table");
    expect(res.text).not.toMatch(/ResourceNotFound|stack|at /);
  });
});

describe("health", () => {
  it("reports DynamoDB by default, needs no key", async () => {
    const res = await callApp(org.app, "GET", "/health");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok", checks: { dynamodb: "ok" } });
    const broken = await createTestStack({ TABLE_NAME: "no-such-table-xyz" });
    const down = await callApp(createApp(broken.deps), "GET", "/health");
    expect(down.status).toBe(503);
    expect(down.body).toEqual({ status: "degraded", checks: { dynamodb: "unreachable" } });
  });

  it("uses the health option when given", async () => {
    const app = createApp(stack.deps, { health: async () => ({ dynamodb: "ok", sqs: "error: refused" }) });
    const res = await callApp(app, "GET", "/health");
    expect(res.status).toBe(503);
    expect(res.body.checks).toEqual({ dynamodb: "ok", sqs: "error: refused" });
  });
});
