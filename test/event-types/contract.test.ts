/**
 * The catalog as a contract: `GET /v1/event-types/openapi.json` is an OpenAPI 3.1 document
 * that validates, passes the repository's Redocly rules, and turns into receiver types with
 * openapi-typescript that tsc checks for real (a wrong payload fails to compile); and
 * `POST /v1/event-types/import` reads such a document back: all types created, a second import
 * changes nothing, a changed schema is a new version, and a bad document changes nothing.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import openapiTS, { astToString } from "openapi-typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestOrg, type JsonBody, type TestOrg } from "../support/api.js";
import { createTestStack, type TestStack } from "../support/stack.js";

const repo = join(import.meta.dirname, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "hookrelay-catalog-"));
let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PATH = "/v1/event-types";
const paid = {
  name: "billing.invoice.paid",
  description: "An invoice was paid",
  schema: {
    type: "object",
    required: ["invoice_id", "amount"],
    properties: {
      invoice_id: { type: "string" },
      amount: { type: "integer", minimum: 0 },
      lines: { type: "array", items: { $ref: "#/$defs/line" } },
    },
    $defs: { line: { type: "object", required: ["sku"], properties: { sku: { type: "string" } } } },
  },
  examples: [{ invoice_id: "in_1", amount: 1200, lines: [{ sku: "pro" }] }],
};

function run(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: repo, env: { ...process.env, NODE_OPTIONS: "" } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

async function catalogOrg(): Promise<TestOrg> {
  const org = await createTestOrg(stack);
  expect((await org.request("POST", PATH, paid)).status).toBe(201);
  expect((await org.request("POST", PATH, { name: "billing.refund", description: "Refunded" })).status).toBe(
    201,
  );
  await org.request("PATCH", `${PATH}/billing.refund`, {
    status: "deprecated",
    deprecation_note: "Use billing.credit",
  });
  return org;
}

describe("GET /v1/event-types/openapi.json", () => {
  it("is an OpenAPI 3.1 document with a webhook per type, its schema, examples and the Standard Webhooks headers", async () => {
    const org = await catalogOrg();
    const res = await org.request("GET", `${PATH}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe("3.1.0");
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);

    const op = doc.webhooks["billing.invoice.paid"].post;
    const names = op.parameters.map(
      (p: { $ref: string }) => doc.components.parameters[p.$ref.split("/").pop()!].name,
    );
    expect(names).toEqual(["webhook-id", "webhook-timestamp", "webhook-signature"]);
    const body = op.requestBody.content["application/json"];
    expect(
      doc.webhooks["billing.refund"].post.requestBody.content["application/json"].examples.generated,
    ).toBeDefined();
    expect(body.examples.example1.value).toMatchObject({
      type: "billing.invoice.paid",
      data: paid.examples[0],
    });
    expect(doc.components.schemas.BillingInvoicePaid.properties.lines.items.$ref).toBe(
      "#/components/schemas/BillingInvoicePaid_line",
    );
    expect(doc.webhooks["billing.refund"].post).toMatchObject({
      deprecated: true,
      "x-hookrelay-deprecation": "Use billing.credit",
    });
    // Every default type is there too; another organization's types are not.
    expect(doc.webhooks["voice.call.ended"]).toBeDefined();
    const other = await createTestOrg(stack);
    expect((await other.request("GET", `${PATH}/openapi.json`)).text).not.toContain("billing.invoice.paid");

    // The repository's own OpenAPI rules (npm run lint:openapi's Redocly configuration).
    const file = join(dir, "catalog.json");
    writeFileSync(file, JSON.stringify(doc));
    const redocly = join(repo, "node_modules", ".bin", "redocly");
    const lint = await run(redocly, ["lint", file, "--config", join(repo, "redocly.yaml")]);
    expect(lint.out).toContain("valid");
    expect(lint.code, lint.out).toBe(0);
  });

  it("openapi-typescript generates receiver types from it that tsc checks", async () => {
    const org = await catalogOrg();
    const doc = (await org.request("GET", `${PATH}/openapi.json`)).body;
    writeFileSync(join(dir, "webhooks.ts"), astToString(await openapiTS(doc)));
    const consumer = (data: string) => `import type { components, webhooks } from "./webhooks";
type Paid = webhooks["billing.invoice.paid"]["post"]["requestBody"]["content"]["application/json"];
const event: Paid = { id: "msg_1", type: "billing.invoice.paid", timestamp: "2026-01-01T00:00:00Z", data: ${data} };
export const line: components["schemas"]["BillingInvoicePaid_line"] | undefined = event.data.lines?.[0];
`;
    const tsc = join(repo, "node_modules", "typescript", "bin", "tsc");
    const check = (file: string) =>
      run(process.execPath, [
        tsc,
        "--noEmit",
        "--strict",
        "--module",
        "esnext",
        "--moduleResolution",
        "bundler",
        "--target",
        "es2022",
        file,
      ]);
    writeFileSync(
      join(dir, "good.ts"),
      consumer(`{ invoice_id: "in_1", amount: 5, lines: [{ sku: "pro" }] }`),
    );
    const good = await check(join(dir, "good.ts"));
    expect(good.out).toBe("");
    expect(good.code).toBe(0);
    // A payload that breaks the schema does not compile: the types are real.
    writeFileSync(join(dir, "bad.ts"), consumer(`{ invoice_id: 5, amount: 5 }`));
    const bad = await check(join(dir, "bad.ts"));
    expect(bad.code).not.toBe(0);
    expect(bad.out).toMatch(/TS2322: Type 'number' is not assignable to type 'string'/);
  }, 120_000);
});

describe("POST /v1/event-types/import", () => {
  it("creates the types of an exported catalog in another organization; again, changes nothing; a new schema is a new version", async () => {
    const source = await catalogOrg();
    const doc = (await source.request("GET", `${PATH}/openapi.json`)).body;
    const org = await createTestOrg(stack);
    const first = await org.request("POST", `${PATH}/import`, doc);
    expect(first.status, first.text).toBe(200);
    const action = (body: JsonBody, name: string) =>
      body.data.find((r: { name: string }) => r.name === name)?.action;
    expect(action(first.body, "billing.invoice.paid")).toBe("created");
    expect(action(first.body, "billing.refund")).toBe("created");
    expect(action(first.body, "voice.call.ended")).toBe("unchanged");

    const got = (await org.request("GET", `${PATH}/billing.invoice.paid`)).body;
    expect(got).toMatchObject({
      schema: paid.schema,
      examples: paid.examples,
      schema_version: 1,
      custom: true,
    });
    const refund = (await org.request("GET", `${PATH}/billing.refund`)).body;
    expect(refund).toMatchObject({ status: "deprecated", deprecation: { note: "Use billing.credit" } });

    const again = await org.request("POST", `${PATH}/import`, doc);
    expect(again.body.data.every((r: { action: string }) => r.action === "unchanged")).toBe(true);

    doc.components.schemas.BillingInvoicePaid.properties.currency = { type: "string" };
    const changed = await org.request("POST", `${PATH}/import`, doc);
    expect(changed.body.data.find((r: { name: string }) => r.name === "billing.invoice.paid")).toMatchObject({
      action: "updated",
      schema_version: 2,
    });
  });

  it("takes a hand-written document whose schemas refer to shared components", async () => {
    const org = await createTestOrg(stack);
    const doc = {
      openapi: "3.1.0",
      info: { title: "x", version: "1" },
      webhooks: {
        "order.shipped": {
          post: {
            summary: "An order shipped",
            requestBody: {
              content: { "application/json": { schema: { $ref: "#/components/schemas/Shipped" } } },
            },
          },
        },
      },
      components: {
        schemas: {
          Shipped: { type: "object", properties: { address: { $ref: "#/components/schemas/Address" } } },
          Address: { type: "object", required: ["city"], properties: { city: { type: "string" } } },
        },
      },
    };
    const res = await org.request("POST", `${PATH}/import`, doc);
    expect(res.status, res.text).toBe(200);
    const got = (await org.request("GET", `${PATH}/order.shipped`)).body;
    expect(got.schema).toEqual({
      type: "object",
      properties: { address: { $ref: "#/$defs/Address" } },
      $defs: { Address: doc.components.schemas.Address },
    });
    const bad = await org.request("POST", "/v1/events", { type: "order.shipped", data: { address: {} } });
    expect(bad.body.error.code).toBe("schema_mismatch");
  });

  it("refuses a bad document whole with every problem named, and changes nothing", async () => {
    const org = await createTestOrg(stack);
    const hook = (schema: unknown) => ({
      post: { summary: "x", requestBody: { content: { "application/json": { schema } } } },
    });
    const base = { openapi: "3.1.0", info: { title: "x", version: "1" } };
    const cases: [unknown, string][] = [
      [{ ...base, openapi: "3.0.3", webhooks: { "a.b": hook({ type: "object" }) } }, "invalid_document"],
      [{ ...base }, "invalid_document"],
      [
        {
          ...base,
          webhooks: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`t.n${i}`, hook({})])),
        },
        "too_many_types",
      ],
      [
        {
          ...base,
          webhooks: { "good.one": hook({ type: "object" }), "bad.one": hook({ type: "not-a-type" }) },
        },
        "invalid_event_types",
      ],
      [{ ...base, webhooks: { "Bad Name": hook({ type: "object" }) } }, "invalid_event_types"],
      [
        { ...base, webhooks: { "a.b": hook({ $ref: "#/components/schemas/Missing" }) } },
        "invalid_event_types",
      ],
      [{ ...base, webhooks: { "hookrelay.endpoint.failing": hook({}) } }, "invalid_event_types"],
      [{ ...base, webhooks: { "openapi.json": hook({}) } }, "invalid_event_types"],
    ];
    for (const [doc, code] of cases) {
      const res = await org.request("POST", `${PATH}/import`, doc);
      expect(res.status, JSON.stringify(doc).slice(0, 200)).toBe(400);
      expect(res.body.error.code).toBe(code);
    }
    const mixed = await org.request("POST", `${PATH}/import`, cases[3]![0]);
    expect(mixed.body.error.details).toEqual([
      { type: "bad.one", message: expect.stringContaining("bad.one") },
    ]);
    const custom = (await org.request("GET", PATH)).body.data.filter((t: { custom: boolean }) => t.custom);
    expect(custom).toEqual([]);
    // Viewers and members may export, not import.
    const viewer = await createTestOrg(stack, "viewer");
    expect((await viewer.request("GET", `${PATH}/openapi.json`)).status).toBe(200);
    expect((await viewer.request("POST", `${PATH}/import`, cases[0]![0])).status).toBe(403);
  });
});
