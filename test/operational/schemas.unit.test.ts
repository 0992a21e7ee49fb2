/**
 * The operational event types in the platform organization's catalog, with their JSON Schemas
 * (core/model/operational-data.ts): listed, exported (`GET /v1/event-types/openapi.json`), and
 * accepting exactly what the emitters send. Ingest validates the platform's own events against
 * its catalog, so an emitter whose data its schema refused would have its events dead-lettered:
 * each emitter's output is checked with the validator ingest uses (ajv, core/json-schema).
 */
import { describe, expect, it } from "vitest";
import { createMemoryContext } from "../../core/compose.js";
import { exportCatalog } from "../../core/events/catalog-contract.js";
import { schemaIssues } from "../../core/json-schema/index.js";
import { OPERATIONAL_EVENT_TYPES, type OperationalEvent } from "../../core/model/index.js";
import {
  breakerOpened,
  endpointAccessDenied,
  endpointDisabled,
  endpointEnabled,
  endpointFailing,
  endpointRecovered,
  messageDeadLettered,
} from "../../core/operational/index.js";

const PLATFORM = "org_platform";
const { deps } = createMemoryContext({ env: { PLATFORM_ORG_ID: PLATFORM } });
const at = new Date("2026-03-01T10:00:00.000Z");
const ep = {
  org_id: "org_a",
  id: "ep_1",
  consecutive_failures: 7,
  last_error: "HTTP 500",
  failing_since: null,
  aws: undefined,
};
const since = "2026-02-28T10:00:00.000Z";

/** Every emitter, in each shape its data can take (nulls included). */
const emitted: OperationalEvent[] = [
  endpointFailing(ep, { firstFailureAt: since, since }),
  endpointDisabled(ep, "auto_disable", at),
  endpointDisabled({ org_id: "org_a", id: "ep_1" }, "manual", at),
  endpointRecovered(ep, at),
  endpointRecovered({ ...ep, failing_since: since }, at),
  endpointEnabled(ep, at),
  endpointAccessDenied(ep, "AccessDenied: not authorized to perform sts:AssumeRole", at),
  endpointAccessDenied(
    {
      ...ep,
      aws: {
        role_arn: "arn:aws:iam::123456789012:role/hookrelay",
        external_id: "ext_1",
        target: "https://sqs.us-east-1.amazonaws.com/123456789012/orders",
        region: "us-east-1",
      },
    },
    "AccessDenied",
    at,
  ),
  breakerOpened(ep, "2026-03-01T10:05:00.000Z", at),
  messageDeadLettered(
    { org_id: "org_a", endpoint_id: "ep_1", msg_id: "msg_1", event_type: "call.graded" },
    "HTTP 500",
    6,
    at,
  ),
];

async function schemaOf(type: string) {
  const def = await deps.eventTypes.find(PLATFORM, type);
  expect(def?.schema, type).toBeDefined();
  return def!.schema!;
}

describe("operational event types in the platform organization's catalog", () => {
  it("lists every hookrelay.* type with a JSON Schema for its data, in the platform organization only", async () => {
    const listed = await deps.eventTypes.list(PLATFORM);
    for (const { name } of OPERATIONAL_EVENT_TYPES) {
      const t = listed.find((d) => d.name === name);
      expect(t?.schema, name).toMatchObject({ type: "object", required: expect.arrayContaining(["org_id"]) });
    }
    const customer = await deps.eventTypes.list("org_a");
    expect(customer.filter((t) => t.name.startsWith("hookrelay."))).toEqual([]);
  });

  it("exports them, each webhook's data pointing at its schema", async () => {
    const doc = (await exportCatalog(deps, PLATFORM)) as {
      webhooks: Record<string, unknown>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    for (const { name } of OPERATIONAL_EVENT_TYPES) expect(doc.webhooks[name], name).toBeDefined();
    expect(Object.keys(doc.components.schemas.HookrelayEndpointDisabled?.properties ?? {})).toContain(
      "disabled_by",
    );
  });

  it("covers every type with the emitters checked below", () => {
    expect(new Set(emitted.map((e) => e.type))).toEqual(new Set(OPERATIONAL_EVENT_TYPES.map((t) => t.name)));
  });

  for (const [i, e] of emitted.entries()) {
    it(`${e.type} (#${i}): what the emitter sends is valid against its schema`, async () => {
      // Through JSON, as ingest gets it.
      const data = JSON.parse(JSON.stringify(e.data));
      expect(await schemaIssues(await schemaOf(e.type), data)).toEqual([]);
    });
  }

  it("refuses data without a required field or of the wrong type (the schemas check something)", async () => {
    const failing = await schemaOf("hookrelay.endpoint.failing");
    const { consecutive_failures: _, ...missing } = emitted[0]!.data;
    expect(await schemaIssues(failing, missing)).not.toEqual([]);
    expect(await schemaIssues(failing, { ...emitted[0]!.data, occurred_at: "yesterday" })).not.toEqual([]);
    const disabled = await schemaOf("hookrelay.endpoint.disabled");
    expect(await schemaIssues(disabled, { ...emitted[1]!.data, disabled_by: "boredom" })).not.toEqual([]);
  });

  it("accepts a field added later (no additionalProperties: false), so a receiver's copy keeps working", async () => {
    const data = { ...emitted[0]!.data, added_later: 1 };
    expect(await schemaIssues(await schemaOf("hookrelay.endpoint.failing"), data)).toEqual([]);
  });
});
