/**
 * The `data` of each operational event type, declared once: the OpenAPI document's `webhooks`
 * (core/api/schemas/operational.ts) and the platform organization's event-type catalog (its
 * JSON Schema, so a receiver validates what it gets and `GET /v1/event-types/openapi.json`
 * exports it) are both made from these, and test/operational/schemas.unit.test.ts checks that
 * every emitter (core/operational/events.ts) sends data its schema accepts: ingest validates
 * the platform's own events against the catalog like any other.
 */
import * as z from "zod";
import type { EventTypeDef } from "./event-type.js";
import { OPERATIONAL_EVENT_TYPES, type OperationalType } from "./operational.js";

const time = z.iso.datetime();
const count = z.number().int().nonnegative();

const common = {
  org_id: z.string().describe("The organization the endpoint belongs to"),
  endpoint_id: z.string(),
  reason: z.string().describe("Why, in words"),
  occurred_at: time,
};

/** Each type's `data`: the common fields plus the type's own counts. */
export const OPERATIONAL_DATA = {
  "hookrelay.endpoint.failing": z.object({
    ...common,
    consecutive_failures: count,
    first_failure_at: time,
    failing_since: time,
  }),
  "hookrelay.endpoint.disabled": z.object({
    ...common,
    disabled_by: z.enum(["auto_disable", "gone", "manual", "target_deleted"]),
    consecutive_failures: count.nullable(),
    last_error: z.string().nullable(),
  }),
  "hookrelay.endpoint.recovered": z.object({
    ...common,
    failed_before_recovery: count,
    failing_since: time.nullable(),
  }),
  "hookrelay.endpoint.enabled": z.object(common),
  "hookrelay.endpoint.access_denied": z.object({
    ...common,
    role_arn: z.string().nullable().describe("The role hookrelay could not use"),
    last_error: z.string(),
  }),
  "hookrelay.breaker.opened": z.object({ ...common, consecutive_failures: count, open_until: time }),
  "hookrelay.message.dead_lettered": z.object({
    ...common,
    msg_id: z.string(),
    event_type: z.string(),
    attempts: count,
  }),
} satisfies Record<OperationalType, z.ZodObject>;

/**
 * A type's `data` as JSON Schema. Written as an input schema, so it does not say
 * `additionalProperties: false`: a field added to an event later must not fail a receiver that
 * validates with the schema it fetched before. A date-time is `format: date-time` alone (zod's
 * long `pattern` for it adds nothing a validator with formats does not check). No `$schema`:
 * nothing here differs between draft-07 (ingest's ajv) and 2020-12 (the OpenAPI 3.1 export),
 * and ajv refuses a dialect it was not set up for.
 */
export function operationalDataSchema(type: OperationalType): Record<string, unknown> {
  const { $schema: _, ...schema } = z.toJSONSchema(OPERATIONAL_DATA[type], {
    io: "input",
    override: ({ jsonSchema }) => {
      if (jsonSchema.format === "date-time") delete jsonSchema.pattern;
    },
  });
  return schema;
}

/** The operational types as the platform organization's catalog lists them: with their schemas. */
export const OPERATIONAL_CATALOG: readonly EventTypeDef[] = OPERATIONAL_EVENT_TYPES.map((t) => ({
  ...t,
  schema: operationalDataSchema(t.name),
}));
