import { Validator } from "@seriousme/openapi-schema-validator";
import { beforeAll, describe, expect, it } from "vitest";
import { API_ERROR_CODES, OPERATIONAL_EVENT_TYPES } from "../../core/model/index.js";
import { callApp, createTestOrg, type JsonBody, type TestOrg } from "../support/api.js";
import { createTestStack } from "../support/stack.js";

let org: TestOrg;
beforeAll(async () => {
  org = await createTestOrg(await createTestStack());
});

describe("OpenAPI", () => {
  it("serves an OpenAPI 3.1 document that validates", async () => {
    const res = await callApp(org.app, "GET", "/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    const validator = new Validator();
    const result = await validator.validate(res.body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("documents the routes, the bearer scheme and the error shape", async () => {
    const doc = (await callApp(org.app, "GET", "/openapi.json")).body;
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.components.securitySchemes.apiKeyAuth).toMatchObject({
      type: "apiKey",
      in: "header",
      name: "X-API-Key",
    });
    expect(doc.security).toEqual([{ bearerAuth: [] }, { apiKeyAuth: [] }]);
    for (const path of [
      "/v1/webhook-endpoints",
      "/v1/webhook-endpoints/{id}",
      "/v1/webhook-endpoints/{id}/secret",
      "/v1/agents/{agent_id}/webhooks",
      "/v1/agents/{agent_id}/webhooks/{id}",
      "/v1/webhook-endpoints/{id}/rotate-secret",
      "/v1/event-types",
      "/v1/api-keys",
      "/v1/api-keys/{id}",
      "/health",
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(Object.keys(doc.paths["/v1/webhook-endpoints/{id}"]).sort()).toEqual(["delete", "get", "patch"]);
    expect(doc.paths["/health"].get.security).toEqual([]);
    expect(doc.components.schemas.Error.properties.error.required).toEqual(["code", "message"]);
    // An https body or one of the AWS types' (a union on `type`, docs/destinations.md); each member is strict.
    const members = [
      "CreateHttpsEndpoint",
      "CreateSqsEndpoint",
      "CreateSnsEndpoint",
      "CreateEventBridgeEndpoint",
      "CreateS3Endpoint",
    ];
    for (const m of members) expect(doc.components.schemas[m].additionalProperties, m).toBe(false);
    expect(doc.components.schemas.CreateAwsEndpoint.discriminator.propertyName).toBe("type");
    expect(doc.components.schemas.CreateAwsEndpoint.discriminator.mapping.aws_sqs).toBe(
      "#/components/schemas/CreateSqsEndpoint",
    );
    expect(doc.components.schemas.UpdateEndpoint.properties.status.enum).toEqual([
      "active",
      "disabled",
      "paused",
    ]);
  });

  it("enumerates the error codes, each with its meaning, and answers only with them", async () => {
    const doc = (await callApp(org.app, "GET", "/openapi.json")).body;
    const code = doc.components.schemas.Error.properties.error.properties.code;
    expect(code.enum).toEqual(Object.keys(API_ERROR_CODES));
    expect(code.enum).toEqual(
      expect.arrayContaining(["validation_error", "not_found", "idempotency_conflict"]),
    );
    for (const [name, meaning] of Object.entries(API_ERROR_CODES)) {
      expect(code.description).toContain(`\`${name}\` — ${meaning}`);
    }
    const unknownRoute = await org.request("GET", "/v1/no-such-route");
    const invalid = await org.request("POST", "/v1/webhook-endpoints", { url: 1 });
    expect([unknownRoute.body.error.code, invalid.body.error.code]).toEqual([
      "not_found",
      "validation_error",
    ]);
    expect(code.enum).toEqual(
      expect.arrayContaining([unknownRoute.body.error.code, invalid.body.error.code]),
    );
  });

  it("names, tags and describes every operation, and puts no default in a request body", async () => {
    const doc = (await callApp(org.app, "GET", "/openapi.json")).body;
    expect(doc.servers).toEqual([{ url: "http://localhost", description: "This deployment" }]);
    const declared = new Set(doc.tags.map((t: { name: string }) => t.name));
    const ids = new Set<string>();
    for (const [path, item] of Object.entries<Record<string, JsonBody>>(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(op.operationId, where).toMatch(/^[a-z][A-Za-z]+$/);
        expect(ids.has(op.operationId), `${where}: operationId used twice`).toBe(false);
        ids.add(op.operationId);
        expect(op.summary, where).toBeTruthy();
        expect(op.description, where).toBeTruthy();
        for (const tag of op.tags) expect(declared.has(tag), `${where}: tag ${tag} not declared`).toBe(true);
        const body = op.requestBody?.content?.["application/json"]?.schema;
        if (!body) continue;
        // A `default` makes openapi-typescript's default output require the field.
        const schema = body.$ref ? doc.components.schemas[body.$ref.split("/").pop()] : body;
        expect(JSON.stringify(schema), `${where}: request schema declares a default`).not.toMatch(
          /"default":/,
        );
        expect(schema.example, `${where}: request example`).toBeDefined();
      }
    }
  });

  it("declares every operational event in `webhooks`, with the body its receivers get", async () => {
    const doc = (await callApp(org.app, "GET", "/openapi.json")).body;
    expect(Object.keys(doc.webhooks).sort()).toEqual(OPERATIONAL_EVENT_TYPES.map((t) => t.name).sort());
    for (const [type, item] of Object.entries<JsonBody>(doc.webhooks)) {
      const ref = item.post.requestBody.content["application/json"].schema.$ref as string;
      const schema = doc.components.schemas[ref.split("/").pop()!];
      expect(schema.properties.type.enum, type).toEqual([type]);
      expect(schema.properties.data.required, type).toEqual(
        expect.arrayContaining(["org_id", "endpoint_id", "reason", "occurred_at"]),
      );
      expect(item.post.tags).toEqual(["Operational events"]);
    }
  });

  it("renders the reference at /docs", async () => {
    const res = await callApp(org.app, "GET", "/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    // Everything from this origin: no CDN, no absolute URL.
    expect(res.text).toContain('src="/docs/assets/swagger-ui-bundle.js"');
    expect(res.text).not.toMatch(/(src|href)="(https?:)?\/\//);
    const init = await callApp(org.app, "GET", "/docs/assets/init.js");
    expect(init.text).toContain('url: "/openapi.json"');
    const script = await callApp(org.app, "GET", "/docs/assets/swagger-ui-bundle.js");
    expect(script.status).toBe(200);
    expect(script.text.length).toBeGreaterThan(100_000);
    expect((await callApp(org.app, "GET", "/docs/assets/package.json")).status).toBe(404);
  });
});
