/**
 * What the five API profiles share (docs/seeds.md): a portal session token reaches none of
 * their routes (they are not in the portal's capability table, so closed by default, outside
 * /v1 too), and each profile's operations are in the OpenAPI document under its own tag.
 */
import { describe, expect, it } from "vitest";
import { callApp, createTestOrg } from "../../support/api.js";
import { useHarness } from "../../support/delivery.js";

const h = useHarness();
const AGENT = "9fbef0b7-8d4e-4a08-9207-66c22155721d";

const PATHS: [string, string][] = [
  ["Seed 000: /webhooks/endpoints", "/webhooks/endpoints"],
  ["Seed 001: /v1/developer/webhook-endpoints", "/v1/developer/webhook-endpoints"],
  ["Seed 002: /v1/backend/webhooks", "/v1/backend/webhooks"],
  ["Seed 003: /api/v1/agents/{agent_id}/webhooks", `/api/v1/agents/${AGENT}/webhooks`],
  ["Seed 004: /v1/webhooks/endpoints", "/v1/webhooks/endpoints"],
];

describe("API profiles", () => {
  it("refuse portal session tokens on every profile's list route", async () => {
    const org = await createTestOrg(h.stack);
    const session = await org.request("POST", "/v1/portal-sessions", {});
    expect(session.status).toBe(201);
    for (const [, path] of PATHS) {
      const res = await callApp(org.app, "GET", path, undefined, {
        authorization: `Bearer ${session.body.token}`,
      });
      expect(res.status, path).toBe(403);
      // The same key's own request passes.
      expect((await org.request("GET", path)).status, path).toBe(200);
    }
  });

  it("are each under their own tag in the OpenAPI document", async () => {
    const org = await createTestOrg(h.stack);
    const doc = (await callApp(org.app, "GET", "/openapi.json")).body;
    const tags = doc.tags.map((t: { name: string }) => t.name);
    for (const [tag, path] of PATHS) {
      expect(tags).toContain(tag);
      const documented = path.replace(AGENT, "{agent_id}");
      expect(doc.paths[documented]?.get?.tags, documented).toEqual([tag]);
    }
  });
});
