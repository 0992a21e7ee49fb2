/**
 * Cursor pagination on every list route: forged cursors are 400 `invalid_cursor` (never 500),
 * a filtered list never answers an empty page that points to more, and a list of exactly
 * `limit` items has no cursor to an empty page.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { keys } from "../../core/store/keys.js";
import { createTestOrg, type TestOrg } from "../support/api.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack();
});

const cursorOf = (key: Record<string, string>) => Buffer.from(JSON.stringify(key)).toString("base64url");

async function publish(org: TestOrg, type: string) {
  const res = await org.request("POST", "/v1/events", { type, data: {} });
  expect(res.status, res.text).toBe(202);
  return res.body.id as string;
}

describe("forged cursors", () => {
  it("answer 400 invalid_cursor when a key value is empty, on every list route", async () => {
    const org = await createTestOrg(stack);
    stack.deps.config.platformOrgId = org.orgId;
    const ep = await org.request("POST", "/v1/webhook-endpoints", { url: "https://hooks.test/x" });
    const msgId = await publish(org, "call.graded");
    const o = org.orgId;
    const cases: [string, Record<string, string>][] = [
      [`/v1/webhook-endpoints/${ep.body.id}/attempts`, { pk: `ATT#${o}#${ep.body.id}`, sk: "" }],
      [
        `/v1/events/${msgId}/attempts`,
        { gsi2pk: `MSGATT#${o}#${msgId}`, gsi2sk: "", pk: `ATT#${o}#`, sk: "" },
      ],
      ["/v1/organizations", { gsi1pk: "ORGS", gsi1sk: "", pk: "ORG#", sk: "ORG" }],
      ["/v1/webhook-endpoints", { pk: keys.org(o).pk, sk: "" }],
      ["/v1/events", { pk: keys.org(o).pk, sk: "" }],
      ["/v1/api-keys", { pk: keys.org(o).pk, sk: "" }],
    ];
    for (const [path, key] of cases) {
      const res = await org.request("GET", `${path}?cursor=${cursorOf(key)}`);
      expect(res.status, `${path} ${res.text}`).toBe(400);
      expect(res.body.error.code).toBe("invalid_cursor");
    }
  });
});

describe("filled pages", () => {
  it("a type filter finds a rare event behind many newer ones on the first page", async () => {
    const org = await createTestOrg(stack);
    const rare = await publish(org, "issue.reported");
    for (let i = 0; i < 45; i++) await publish(org, "call.graded");
    const res = await org.request("GET", "/v1/events?type=issue.reported&limit=5");
    expect(res.status).toBe(200);
    expect(res.body.data.map((e: { id: string }) => e.id)).toEqual([rare]);
    expect(res.body.next_cursor).toBeNull();

    // Pages of a filter are full until the last one, and the last one has no cursor.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await org.request(
        "GET",
        `/v1/events?type=call.graded&limit=10${cursor ? `&cursor=${cursor}` : ""}`,
      );
      cursor = page.body.next_cursor;
      if (cursor) expect(page.body.data).toHaveLength(10);
      seen.push(...page.body.data.map((e: { id: string }) => e.id));
    } while (cursor);
    expect(new Set(seen).size).toBe(45);
    expect(seen).not.toContain(rare);
  });

  it("a list of exactly `limit` items has no next_cursor", async () => {
    const org = await createTestOrg(stack);
    for (let i = 0; i < 3; i++) {
      expect(
        (await org.request("POST", "/v1/webhook-endpoints", { url: "https://hooks.test/x" })).status,
      ).toBe(201);
    }
    const all = await org.request("GET", "/v1/webhook-endpoints?limit=3");
    expect(all.body.data).toHaveLength(3);
    expect(all.body.next_cursor).toBeNull();
    const two = await org.request("GET", "/v1/webhook-endpoints?limit=2");
    const rest = await org.request("GET", `/v1/webhook-endpoints?limit=2&cursor=${two.body.next_cursor}`);
    expect(rest.body.data).toHaveLength(1);
    expect(rest.body.next_cursor).toBeNull();
    const events = [await publish(org, "call.graded"), await publish(org, "call.graded")];
    const page = await org.request("GET", "/v1/events?limit=2");
    expect(page.body.data.map((e: { id: string }) => e.id)).toEqual(events.reverse());
    expect(page.body.next_cursor).toBeNull();
  });
});
