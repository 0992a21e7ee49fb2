/** The `filter` and `signing_version` fields through the API, the filter test route and the JWKS route. */
import { beforeAll, describe, expect, it } from "vitest";
import { createTestOrg } from "../support/api.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack();
});

const PATH = "/v1/webhook-endpoints";
const url = "https://example.com/hooks";

describe("filter on the endpoint", () => {
  it("is stored on create, replaced by PATCH, cleared by null", async () => {
    const org = await createTestOrg(stack);
    const filter = { data: { amount: { $gte: 100 } }, $or: [{ type: "a" }, { agent_id: { $exist: false } }] };
    const created = await org.request("POST", PATH, { url, filter });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ filter, filtered_count: 0 });
    const id = created.body.id;
    expect((await org.request("GET", `${PATH}/${id}`)).body.filter).toEqual(filter);

    const patched = await org.request("PATCH", `${PATH}/${id}`, { filter: { type: "x" } });
    expect(patched.body.filter).toEqual({ type: "x" });
    const untouched = await org.request("PATCH", `${PATH}/${id}`, { label: "l" });
    expect(untouched.body.filter).toEqual({ type: "x" });
    const cleared = await org.request("PATCH", `${PATH}/${id}`, { filter: null });
    expect(cleared.body.filter).toBeNull();
    expect((await org.request("POST", PATH, { url })).body.filter).toBeNull();
  });

  it("keeps keys JavaScript treats specially", async () => {
    const org = await createTestOrg(stack);
    const text = `{"url":"${url}","filter":{"data":{"__proto__":{"constructor":1}}}}`;
    const res = await org.app.request(PATH, {
      method: "POST",
      headers: { authorization: `Bearer ${org.apiKey}`, "content-type": "application/json" },
      body: text,
    });
    expect(res.status).toBe(201);
    const body = (await res.text()) as string;
    expect(body).toContain('"filter":{"data":{"__proto__":{"constructor":1}}}');
  });

  it.each([
    [{ data: { amount: { $regex: "^1" } } }, "data.amount.$regex"],
    [{ $or: [{ a: 1 }, { b: { $gt: {} } }] }, "$or.1.b.$gt"],
    [["not", "an", "object"], ""],
    ["text", ""],
  ])("an invalid filter is a 400 naming the path (case %#)", async (filter, path) => {
    const org = await createTestOrg(stack);
    const res = await org.request("POST", PATH, { url, filter });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "invalid_filter", details: { path } });
    const ep = (await org.request("POST", PATH, { url })).body;
    const patch = await org.request("PATCH", `${PATH}/${ep.id}`, { filter });
    expect(patch.status).toBe(400);
    expect((await org.request("GET", `${PATH}/${ep.id}`)).body.filter).toBeNull();
  });
});

describe("POST /v1/webhook-endpoints/{id}/filter/test", () => {
  it("answers for a sample event, with the endpoint's filter or a candidate", async () => {
    const org = await createTestOrg(stack);
    const ep = (await org.request("POST", PATH, { url, filter: { data: { status: "paid" } } })).body;
    const test = (body: unknown) => org.request("POST", `${PATH}/${ep.id}/filter/test`, body);
    const paid = await test({ event: { type: "chat.message.completed", data: { status: "paid" } } });
    expect(paid.status, paid.text).toBe(200);
    expect(paid.body).toMatchObject({
      filter: { data: { status: "paid" } },
      tested: 1,
      matched: 1,
      results: [{ event_id: null, type: "chat.message.completed", subscribed: true, matches: true }],
    });
    const open = await test({ event: { type: "x", data: { status: "open" } } });
    expect(open.body.results[0]).toMatchObject({ matches: false });
    const candidate = await test({
      filter: { data: { status: "open" } },
      event: { type: "x", data: { status: "open" } },
    });
    expect(candidate.body).toMatchObject({ filter: { data: { status: "open" } }, matched: 1 });
    const none = await test({ filter: null, event: { type: "x", data: {} } });
    expect(none.body).toMatchObject({ filter: null, matched: 1 });
  });

  it("tries the most recent events of the organization", async () => {
    const org = await createTestOrg(stack);
    const ep = (await org.request("POST", PATH, { url, filter: { data: { n: { $gt: 1 } } } })).body;
    for (const n of [1, 2, 3]) {
      expect(
        (await org.request("POST", "/v1/events", { type: "chat.message.completed", data: { n } })).status,
      ).toBe(202);
    }
    const res = await org.request("POST", `${PATH}/${ep.id}/filter/test`, { recent: 2 });
    expect(res.body).toMatchObject({ tested: 2, matched: 2 });
    const all = await org.request("POST", `${PATH}/${ep.id}/filter/test`, {});
    expect(all.body).toMatchObject({ tested: 3, matched: 2 });
  });

  it("refuses bad input with a 400 and unknown endpoints with a 404", async () => {
    const org = await createTestOrg(stack);
    const ep = (await org.request("POST", PATH, { url })).body;
    const path = `${PATH}/${ep.id}/filter/test`;
    const bad = await org.request("POST", path, { filter: { a: { $nope: 1 } } });
    expect(bad.body.error).toMatchObject({ code: "invalid_filter", details: { path: "a.$nope" } });
    expect((await org.request("POST", path, { recent: 0 })).status).toBe(400);
    expect((await org.request("POST", path, { recent: 101 })).status).toBe(400);
    const both = await org.request("POST", path, { recent: 1, event: { type: "x", data: {} } });
    expect(both.status).toBe(400);
    const other = await createTestOrg(stack);
    expect((await other.request("POST", `${PATH}/${ep.id}/filter/test`, {})).status).toBe(404);
  });
});

describe("signing_version", () => {
  it("v1a: no secret shown, a public key and a JWKS URL; its own secret is refused", async () => {
    const org = await createTestOrg(stack);
    const ep = await org.request("POST", PATH, { url, signing_version: "v1a" });
    expect(ep.status).toBe(201);
    expect(ep.body.secret).toBeUndefined();
    expect(ep.body.secret_hint).toBe(`whpk_…${ep.body.public_key.slice(-6)}`);
    expect(ep.body.jwks_url).toMatch(new RegExp(`/jwks/${org.orgId}/${ep.body.id}$`));
    expect(JSON.stringify(ep.body)).not.toMatch(/whsk_/);
    const own = await org.request("POST", PATH, {
      url,
      signing_version: "v1a",
      secret: `whsec_${"A".repeat(32)}`,
    });
    expect(own.body.error?.code).toBe("invalid_secret");
    expect((await org.request("POST", PATH, { url, signing_version: "v2" })).status).toBe(400);
    // The private key is never revealed, not even to admins.
    const reveal = await org.request("GET", `${PATH}/${ep.body.id}/secret`);
    expect(reveal.status).toBe(409);
    expect(reveal.body.error.code).toBe("private_key_not_revealed");
    expect(reveal.text).not.toMatch(/whsk_/);
    // Not settable by PATCH: switching is a rotation (a new key), see rotate-secret.
    expect((await org.request("PATCH", `${PATH}/${ep.body.id}`, { signing_version: "v1" })).status).toBe(400);
  });

  it("rotate-secret switches versions; back to v1 returns the new whsec_ secret once", async () => {
    const org = await createTestOrg(stack);
    const ep = (await org.request("POST", PATH, { url, signing_version: "v1a" })).body;
    const back = await org.request("POST", `${PATH}/${ep.id}/rotate-secret`, { signing_version: "v1" });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ signing_version: "v1", public_key: null, jwks_url: null });
    expect(back.body.secret).toMatch(/^whsec_/);
    // During the grace period the previous (ed25519) key still signs, so the JWKS still lists it.
    const jwks = await org.app.request(`/jwks/${org.orgId}/${ep.id}`);
    expect(jwks.status).toBe(200);
    expect(((await jwks.json()) as { keys: unknown[] }).keys).toHaveLength(1);
    const bad = await org.request("POST", `${PATH}/${ep.id}/rotate-secret`, { signing_version: "v9" });
    expect(bad.status).toBe(400);
  });

  it("the JWKS route needs no key, and is 404 for unknown endpoints", async () => {
    const org = await createTestOrg(stack);
    const ep = (await org.request("POST", PATH, { url, signing_version: "v1a" })).body;
    const res = await org.app.request(`/jwks/${org.orgId}/${ep.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toMatch(/max-age/);
    expect((await org.app.request(`/jwks/${org.orgId}/ep_nope`)).status).toBe(404);
    const other = await createTestOrg(stack);
    expect((await org.app.request(`/jwks/${other.orgId}/${ep.id}`)).status).toBe(404);
  });
});
