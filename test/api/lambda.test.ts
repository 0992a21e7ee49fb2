/** functions/api.ts as Lambda runs it: an API Gateway HTTP API (v2) event in, a result out. */
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from "aws-lambda";
import { beforeAll, describe, expect, it } from "vitest";
import { generateApiKey } from "../../core/auth/keys.js";
import { createTestStack } from "../support/stack.js";

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;
let handler: Handler;
const bootstrapKey = generateApiKey("live");

beforeAll(async () => {
  const stack = await createTestStack({ BOOTSTRAP_API_KEY: bootstrapKey });
  // The entry reads its configuration from the environment at cold start, like on Lambda.
  Object.assign(process.env, stack.env);
  ({ handler } = (await import("../../functions/api.js")) as unknown as { handler: Handler });
});

function event(method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString: "",
    headers: { host: "api.example.com", ...headers },
    requestContext: {
      accountId: "123456789012",
      apiId: "api",
      domainName: "api.example.com",
      domainPrefix: "api",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "203.0.113.1", userAgent: "test" },
      requestId: "req",
      routeKey: "$default",
      stage: "$default",
      time: "01/Jan/2026:00:00:00 +0000",
      timeEpoch: 0,
    },
    body,
    isBase64Encoded: false,
  } as APIGatewayProxyEventV2;
}

const context = {} as Context;
type Result = { statusCode: number; body: string };

describe("Lambda entry", () => {
  it("serves /health", async () => {
    const res = (await handler(event("GET", "/health"), context)) as Result;
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body).status).toBe("ok");
  });

  it("registers BOOTSTRAP_API_KEY as an admin key of the default organization", async () => {
    const auth = { authorization: `Bearer ${bootstrapKey}` };
    const created = (await handler(
      event(
        "POST",
        "/v1/webhook-endpoints",
        { ...auth, "content-type": "application/json" },
        '{"url":"https://example.com/h"}',
      ),
      context,
    )) as Result;
    expect(created.statusCode).toBe(201);
    const keys = (await handler(event("GET", "/v1/api-keys", auth), context)) as Result;
    expect(keys.statusCode).toBe(200);
    expect(JSON.parse(keys.body).data).toMatchObject([{ role: "admin", name: "bootstrap" }]);
    const denied = (await handler(event("GET", "/v1/api-keys"), context)) as Result;
    expect(denied.statusCode).toBe(401);
  });
});
