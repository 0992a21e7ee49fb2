/**
 * Seed 001 (thunderphone) served as its page documents it: the Endpoint object (UUID `id`,
 * `label`, `url`, `events`, `status`, `secret_hint`, timestamps), create 201 with `secret`,
 * PATCH 200, DELETE 204, `events` checked against the page's nine values, admin keys only.
 * docs/seeds.md, "Migrating from thunderphone".
 */
import { describe, expect, it } from "vitest";
import { createTestOrg, type JsonBody } from "../../support/api.js";
import { useHarness } from "../../support/delivery.js";

const h = useHarness();
const PATH = "/v1/developer/webhook-endpoints";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const ALL_NINE = [
  "telephony.incoming",
  "telephony.complete",
  "telephony.tool",
  "web.incoming",
  "web.complete",
  "web.tool",
  "call.graded",
  "issue.reported",
  "test-call.completed",
];

/** The page's Endpoint object: exactly its fields, with their types. */
const endpointShape = (e: JsonBody) =>
  expect(e).toEqual({
    id: expect.stringMatching(UUID),
    label: expect.any(String),
    url: expect.any(String),
    events: expect.any(Array),
    status: expect.stringMatching(/^(active|disabled|failing)$/),
    secret_hint: expect.stringMatching(/^whsec_….{6}$/),
    created_at: expect.stringMatching(ISO),
    updated_at: expect.stringMatching(ISO),
  });

describe("seed 001: /v1/developer/webhook-endpoints", () => {
  it("create 201 (+ secret), list, PATCH 200, DELETE 204, in the page's Endpoint object", async () => {
    const org = await createTestOrg(h.stack);
    const created = await org.request("POST", PATH, {
      label: "Production",
      url: "https://example.com/thunderphone",
      events: ALL_NINE,
    });
    expect(created.status).toBe(201);
    const { secret, ...object } = created.body;
    endpointShape(object);
    expect(secret).toMatch(/^whsec_/);
    expect(object).toMatchObject({
      label: "Production",
      url: "https://example.com/thunderphone",
      events: ALL_NINE,
      status: "active",
      secret_hint: `whsec_…${secret.slice(-6)}`,
      updated_at: object.created_at,
    });

    const list = await org.request("GET", PATH);
    expect(list.status).toBe(200);
    expect(list.body).toEqual([object]);

    const patched = await org.request("PATCH", `${PATH}/${object.id}`, {
      label: "Paused",
      url: "https://example.com/v2",
      events: ["issue.reported"],
      status: "disabled",
    });
    expect(patched.status).toBe(200);
    endpointShape(patched.body);
    expect(patched.body).toMatchObject({
      id: object.id,
      label: "Paused",
      events: ["issue.reported"],
      status: "disabled",
    });
    expect(patched.body.updated_at >= object.updated_at).toBe(true);
    // The same endpoint in the canonical API.
    const canonical = (await org.request("GET", "/v1/webhook-endpoints")).body.data[0];
    expect(canonical).toMatchObject({ label: "Paused", url: "https://example.com/v2", status: "disabled" });

    const gone = await org.request("DELETE", `${PATH}/${object.id}`);
    expect(gone.status).toBe(204);
    expect(gone.text).toBe("");
    expect((await org.request("GET", PATH)).body).toEqual([]);
    expect((await org.request("DELETE", `${PATH}/${object.id}`)).status).toBe(404);
  });

  it("applies the page's rules: label required 1–120, events from the nine (empty = all), failing not settable", async () => {
    const org = await createTestOrg(h.stack);
    const post = (body: unknown) => org.request("POST", PATH, body);
    const noLabel = await post({ url: "https://example.com" });
    expect(noLabel.status).toBe(400);
    expect(noLabel.body.error.code).toBe("validation_error");
    expect((await post({ label: "", url: "https://example.com" })).status).toBe(400);
    expect((await post({ label: "x".repeat(121), url: "https://example.com" })).status).toBe(400);
    expect((await post({ label: "x".repeat(120), url: "https://example.com" })).status).toBe(201);
    // In the catalog, but not one of the page's values: 400.
    const outside = await post({
      label: "x",
      url: "https://example.com",
      events: ["conversation.completed"],
    });
    expect(outside.status).toBe(400);
    expect(outside.body.error).toMatchObject({ code: "invalid_event_types" });
    const all = await post({ label: "Dev", url: "http://localhost:4000/hooks", events: [] });
    expect(all.status).toBe(201);
    expect(all.body.events).toEqual([]);
    const omitted = await post({ label: "Dev", url: "https://example.com/o" });
    expect(omitted.body.events).toEqual([]);
    const failing = await org.request("PATCH", `${PATH}/${all.body.id}`, { status: "failing" });
    expect(failing.status).toBe(400);
    const unknownId = `${PATH}/00000000-0000-4000-8000-000000000000`;
    expect((await org.request("PATCH", unknownId, { label: "x" })).status).toBe(404);
    // The id is looked up before the events are checked, as the canonical update does.
    expect((await org.request("PATCH", unknownId, { events: ["nope.nope"] })).status).toBe(404);
    // Endpoints made through the canonical API get their UUID when listed here.
    await org.request("POST", "/v1/webhook-endpoints", { url: "https://example.com/c", label: "Canonical" });
    const listed = await org.request("GET", PATH);
    expect(listed.body).toHaveLength(4);
    for (const e of listed.body) endpointShape(e);
    // Every route is for admins.
    const viewer = await createTestOrg(h.stack, "viewer");
    expect((await viewer.request("GET", PATH)).status).toBe(403);
  });
});
