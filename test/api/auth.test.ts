import { beforeAll, describe, expect, it } from "vitest";
import { callApp, createTestOrg } from "../support/api.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack();
});

describe("authentication", () => {
  it("401 without, with malformed and with unknown keys", async () => {
    const org = await createTestOrg(stack);
    const none = await callApp(org.app, "GET", "/v1/api-keys");
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe("unauthorized");
    const malformed = await org.request("GET", "/v1/api-keys", undefined, { authorization: "Bearer nope" });
    expect(malformed.status).toBe(401);
    const basic = await org.request("GET", "/v1/api-keys", undefined, {
      authorization: `Basic ${org.apiKey}`,
    });
    expect(basic.status).toBe(401);
    const unknown = await org.request("GET", "/v1/api-keys", undefined, {
      authorization: `Bearer sk_live_${"x".repeat(43)}`,
    });
    expect(unknown.status).toBe(401);
    const ok = await org.request("GET", "/v1/api-keys");
    expect(ok.status).toBe(200);
  });
});
