/**
 * Clients that always send `content-type: application/json` (fetch wrappers, SDKs) send it on
 * action routes too, with nothing in the body. Every route whose body is optional (or that has
 * none) reads that as "no body", not as malformed JSON (issue #23 item 11: the test route
 * answered 400 while rotate-secret accepted it).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { callApp, createTestOrg, type JsonBody, type TestOrg } from "../support/api.js";
import { createTestStack } from "../support/stack.js";

let org: TestOrg;
beforeAll(async () => {
  org = await createTestOrg(await createTestStack());
});

describe("an empty JSON body on action routes", () => {
  it("is accepted by every POST route whose body is optional or absent", async () => {
    const doc = (await callApp(org.app, "GET", "/openapi.json")).body;
    const ep = (await org.request("POST", "/v1/webhook-endpoints", { url: "https://example.com/hooks" }))
      .body;
    const event = (await org.request("POST", "/v1/events", { type: "webhook.test", data: {} })).body;
    const ids: Record<string, string> = { endpoint_id: ep.id, agent_id: "agent-1" };
    const routes: string[] = [];
    for (const [path, item] of Object.entries<Record<string, JsonBody>>(doc.paths)) {
      const op = item.post;
      if (!op || op.requestBody?.required === true) continue;
      const id = path.startsWith("/v1/events/") ? event.id : ep.id;
      const concrete = path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? id);
      routes.push(path);
      for (const type of ["application/json", "application/json; charset=utf-8"]) {
        const res = await org.request("POST", concrete, "", { "content-type": type });
        expect([400, 415], `${path} (${type}): ${res.text}`).not.toContain(res.status);
        expect(res.status, `${path} (${type}): ${res.text}`).toBeLessThan(500);
      }
    }
    expect(routes).toEqual(
      expect.arrayContaining([
        "/v1/webhook-endpoints/{id}/test",
        "/v1/webhook-endpoints/{id}/rotate-secret",
        "/v1/webhook-endpoints/test",
        "/v1/events/{id}/endpoints/{endpoint_id}/resend",
      ]),
    );
  });

  it("a route whose body is required still refuses it", async () => {
    const ep = (await org.request("POST", "/v1/webhook-endpoints", { url: "https://example.com/hooks" }))
      .body;
    const res = await org.request("POST", `/v1/webhook-endpoints/${ep.id}/recover`, "", {
      "content-type": "application/json",
    });
    expect(res.status).toBe(400);
  });
});
