/**
 * An event type's lifecycle through the API on the local stack (DynamoDB Local, fauxqs, a
 * real receiver): PATCH (description, schema with versions, examples), deprecate (accepted,
 * the answer carries the note), archive (refused at publish and for new subscriptions, while
 * an event published before is still delivered), and DELETE only when no endpoint subscribes.
 */
import { describe, expect, it } from "vitest";
import { createTestOrg, type TestOrg } from "../support/api.js";
import { useHarness } from "../support/delivery.js";
import { waitFor } from "../support/wait.js";

const h = useHarness();
const PATH = "/v1/event-types";
const schemaV1 = { type: "object", required: ["invoice_id"], properties: { invoice_id: { type: "string" } } };
const schemaV2 = {
  type: "object",
  required: ["invoice_id", "amount"],
  properties: { invoice_id: { type: "string" }, amount: { type: "integer" } },
};

async function withType(org: TestOrg, name = "billing.invoice.paid") {
  const res = await org.request("POST", PATH, { name, description: "Paid", schema: schemaV1 });
  expect(res.status).toBe(201);
  return name;
}

describe("event-type lifecycle", () => {
  it("PATCH changes the description, schema and examples; each schema change bumps the version events record", async () => {
    const org = await createTestOrg(h.stack);
    const name = await withType(org);
    const first = await org.request("POST", "/v1/events", { type: name, data: { invoice_id: "in_1" } });
    expect(first.status).toBe(202);

    const described = await org.request("PATCH", `${PATH}/${name}`, { description: "An invoice was paid" });
    expect(described.status, described.text).toBe(200);
    expect(described.body).toMatchObject({
      description: "An invoice was paid",
      schema_version: 1,
      status: "active",
    });
    // The same schema again (keys in another order) is no change.
    const same = await org.request("PATCH", `${PATH}/${name}`, {
      schema: { properties: { invoice_id: { type: "string" } }, required: ["invoice_id"], type: "object" },
    });
    expect(same.body.schema_version).toBe(1);

    const v2 = await org.request("PATCH", `${PATH}/${name}`, {
      schema: schemaV2,
      examples: [{ invoice_id: "in_9", amount: 1200 }],
    });
    expect(v2.status).toBe(200);
    expect(v2.body).toMatchObject({
      schema: schemaV2,
      schema_version: 2,
      examples: [{ invoice_id: "in_9", amount: 1200 }],
    });
    expect(v2.body.updated_at).toEqual(expect.any(String));

    // Events are validated against v2 now, and record it.
    const refused = await org.request("POST", "/v1/events", { type: name, data: { invoice_id: "in_2" } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe("schema_mismatch");
    const second = await org.request("POST", "/v1/events", {
      type: name,
      data: { invoice_id: "in_2", amount: 5 },
    });
    expect(second.status).toBe(202);
    expect((await org.request("GET", `/v1/events/${first.body.id}`)).body.schema_version).toBe(1);
    expect((await org.request("GET", `/v1/events/${second.body.id}`)).body.schema_version).toBe(2);
    const listed = await org.request("GET", `/v1/events?type=${name}`);
    expect(listed.body.data.map((e: { schema_version: number }) => e.schema_version).sort()).toEqual([1, 2]);

    // Removing the schema is a change too; GET shows the type as it is now.
    await org.request("PATCH", `${PATH}/${name}`, { schema: null });
    const got = await org.request("GET", `${PATH}/${name}`);
    expect(got.body).toMatchObject({ name, schema: null, schema_version: 3, custom: true });
  });

  it("refuses examples that do not match, a schema that breaks the kept examples, and bad bodies, changing nothing", async () => {
    const org = await createTestOrg(h.stack);
    const name = await withType(org);
    const bad = await org.request("PATCH", `${PATH}/${name}`, { examples: [{ amount: 1 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("example_mismatch");
    expect(
      (await org.request("PATCH", `${PATH}/${name}`, { examples: [{ invoice_id: "in_1" }] })).status,
    ).toBe(200);
    // The kept example lacks `amount`: the new schema would make it wrong.
    const breaks = await org.request("PATCH", `${PATH}/${name}`, { schema: schemaV2 });
    expect(breaks.status).toBe(400);
    expect(breaks.body.error.message).toMatch(/examples/);
    for (const body of [
      {},
      { name: "x.y" },
      { status: "gone" },
      { description: "" },
      { schema: { type: "not-a-type" } },
      { examples: Array.from({ length: 6 }, () => ({ invoice_id: "x" })) },
      { examples: [{ invoice_id: "x".repeat(17_000) }] },
      { status: "active", deprecation_note: "why" },
    ]) {
      const res = await org.request("PATCH", `${PATH}/${name}`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const got = await org.request("GET", `${PATH}/${name}`);
    expect(got.body).toMatchObject({
      schema: schemaV1,
      schema_version: 1,
      examples: [{ invoice_id: "in_1" }],
    });
    expect((await org.request("PATCH", `${PATH}/no.such.type`, { description: "x" })).status).toBe(404);
    expect(
      (await org.request("PATCH", `${PATH}/hookrelay.endpoint.failing`, { description: "x" })).status,
    ).toBe(400);
  });

  it("a deprecated type is still accepted and the publish answer carries the note", async () => {
    const org = await createTestOrg(h.stack);
    const name = await withType(org);
    const dep = await org.request("PATCH", `${PATH}/${name}`, {
      status: "deprecated",
      deprecation_note: "Use billing.invoice.settled instead",
    });
    expect(dep.status).toBe(200);
    expect(dep.body).toMatchObject({
      status: "deprecated",
      deprecation: { note: "Use billing.invoice.settled instead", deprecated_at: expect.any(String) },
    });
    const pub = await org.request("POST", "/v1/events", { type: name, data: { invoice_id: "in_1" } });
    expect(pub.status).toBe(202);
    expect(pub.body.deprecation).toEqual(dep.body.deprecation);
    // New subscriptions are still accepted.
    const ep = await org.request("POST", "/v1/webhook-endpoints", {
      url: "https://example.com/h",
      event_types: [name],
    });
    expect(ep.status).toBe(201);
    // Back to active: no note.
    const back = await org.request("PATCH", `${PATH}/${name}`, { status: "active" });
    expect(back.body).toMatchObject({ status: "active", deprecation: null });
    const plain = await org.request("POST", "/v1/events", { type: name, data: { invoice_id: "in_2" } });
    expect(plain.body.deprecation).toBeUndefined();
  });

  it("a default type is deprecated for this organization only", async () => {
    const org = await createTestOrg(h.stack);
    const other = await createTestOrg(h.stack);
    const res = await org.request("PATCH", `${PATH}/voice.call.ended`, {
      status: "deprecated",
      deprecation_note: "Use conversation.completed",
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: "voice.call.ended", custom: false, status: "deprecated" });
    expect((await other.request("GET", `${PATH}/voice.call.ended`)).body.status).toBe("active");
    const listed = (await org.request("GET", PATH)).body.data.filter(
      (t: { name: string }) => t.name === "voice.call.ended",
    );
    expect(listed).toHaveLength(1);
    expect(listed[0].deprecation.note).toBe("Use conversation.completed");
    // A default type is never deleted: archive it.
    const del = await org.request("DELETE", `${PATH}/voice.call.ended`);
    expect(del.status).toBe(409);
    expect(del.body.error.code).toBe("default_event_type");
  });

  it("an archived type is refused at publish and for new subscriptions; an event published before is still delivered", async () => {
    const org = await createTestOrg(h.stack);
    const name = await withType(org);
    let archived = false;
    const r = await h.receiver({ plan: () => (archived ? { status: 200 } : { status: 503 }) });
    const ep = await org.request("POST", "/v1/webhook-endpoints", { url: r.url, event_types: [name] });
    expect(ep.status).toBe(201);
    const pub = await org.request("POST", "/v1/events", { type: name, data: { invoice_id: "in_1" } });
    expect(pub.status).toBe(202);
    await r.waitForRequests(1);

    const arch = await org.request("PATCH", `${PATH}/${name}`, { status: "archived" });
    expect(arch.status).toBe(200);
    expect(arch.body).toMatchObject({ status: "archived", archived_at: expect.any(String) });
    archived = true;

    const refused = await org.request("POST", "/v1/events", { type: name, data: { invoice_id: "in_2" } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe("event_type_archived");
    const sub = await org.request("POST", "/v1/webhook-endpoints", {
      url: "https://example.com/h",
      event_types: [name],
    });
    expect(sub.status).toBe(400);
    expect(sub.body.error.code).toBe("archived_event_types");
    // A pattern that matches only archived types subscribes to nothing new.
    const pattern = await org.request("POST", "/v1/webhook-endpoints", {
      url: "https://example.com/h",
      event_types: ["billing.invoice.*"],
    });
    expect(pattern.status).toBe(400);
    // The existing subscription keeps the type, also when the endpoint is saved with its list as it was.
    const kept = await org.request("PATCH", `/v1/webhook-endpoints/${ep.body.id}`, {
      event_types: [name],
      description: "kept",
    });
    expect(kept.status).toBe(200);

    // The retry of the event published before the archive is delivered.
    await waitFor(async () => {
      const ev = await org.request("GET", `/v1/events/${pub.body.id}`);
      return ev.body.deliveries?.[0]?.status === "succeeded";
    });
    expect(r.requests.at(-1)?.body).toContain("in_1");
    expect(r.requests.some((q) => q.body.includes("in_2"))).toBe(false);
  });

  it("DELETE only when no endpoint subscribes by name (409 with their ids otherwise)", async () => {
    const org = await createTestOrg(h.stack);
    const name = await withType(org);
    const ep = await org.request("POST", "/v1/webhook-endpoints", {
      url: "https://example.com/h",
      event_types: [name],
    });
    const res = await org.request("DELETE", `${PATH}/${name}`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("event_type_in_use");
    expect(res.body.error.message).toContain(ep.body.id);
    expect(res.body.error.details).toEqual({ endpoints: [ep.body.id], count: 1 });
    expect((await org.request("GET", `${PATH}/${name}`)).status).toBe(200);

    await org.request("PATCH", `/v1/webhook-endpoints/${ep.body.id}`, { event_types: [] });
    const del = await org.request("DELETE", `${PATH}/${name}`);
    expect(del.status, JSON.stringify(del.body)).toBe(204);
    expect((await org.request("GET", `${PATH}/${name}`)).status).toBe(404);
    expect((await org.request("DELETE", `${PATH}/${name}`)).status).toBe(404);
    const pub = await org.request("POST", "/v1/events", { type: name, data: { invoice_id: "x" } });
    expect(pub.body.error.code).toBe("unknown_event_type");
    // Another organization's type is not found.
    const other = await createTestOrg(h.stack);
    await withType(other, "mine.only");
    expect((await org.request("DELETE", `${PATH}/mine.only`)).status).toBe(404);
  });

  it("only admins change or delete types", async () => {
    for (const role of ["member", "viewer"] as const) {
      const org = await createTestOrg(h.stack, role);
      expect((await org.request("PATCH", `${PATH}/voice.call.ended`, { description: "x" })).status).toBe(403);
      expect((await org.request("DELETE", `${PATH}/voice.call.ended`)).status).toBe(403);
    }
  });
});
