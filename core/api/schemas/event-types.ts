/** Bodies and responses of /v1/event-types. */
import { z } from "@hono/zod-openapi";
import {
  EVENT_TYPE_NAME,
  eventTypeString,
  MAX_DEPRECATION_NOTE,
  MAX_EVENT_TYPE_DESCRIPTION,
  MAX_EVENT_TYPE_EXAMPLES,
  MAX_EVENT_TYPE_LENGTH,
  RETENTION_DAYS,
} from "../../model/index.js";

/** A retention in days, within the documented bounds (docs/data.md). */
export const retentionDaysField = z
  .number()
  .int()
  .min(RETENTION_DAYS.min)
  .max(RETENTION_DAYS.max)
  .openapi({ example: 7 });

export const eventTypeName = eventTypeString
  .regex(EVENT_TYPE_NAME, {
    error: "name must be lowercase dot-separated segments of a-z, 0-9, _ and - (e.g. billing.invoice.paid)",
  })
  .openapi({ example: "billing.invoice.paid" });

const description = z.string().min(1).max(MAX_EVENT_TYPE_DESCRIPTION);
const jsonSchema = z.record(z.string(), z.unknown());
const examples = z
  .array(z.record(z.string(), z.unknown()))
  .max(MAX_EVENT_TYPE_EXAMPLES)
  .openapi({
    description: `Sample \`data\` values (at most ${MAX_EVENT_TYPE_EXAMPLES}); each must match the schema`,
  });
const status = z.enum(["active", "deprecated", "archived"]).openapi({
  description:
    "deprecated: still accepted, publish answers carry a `deprecation` note; archived: refused at publish and for new subscriptions, what was published is still delivered",
});

export const createEventTypeBody = z
  .strictObject({
    name: eventTypeName,
    description,
    schema: jsonSchema
      .optional()
      .openapi({ description: "JSON Schema that every event's `data` of this type must match" }),
    examples: examples.optional(),
    retention_days: retentionDaysField.optional().openapi({
      description: `How long events of this type keep their payload, in days (${RETENTION_DAYS.min}-${RETENTION_DAYS.max}); the organization's retention when absent`,
    }),
  })
  .openapi("CreateEventType", {
    example: {
      name: "billing.invoice.paid",
      description: "An invoice was paid",
      schema: { type: "object", required: ["invoice_id"], properties: { invoice_id: { type: "string" } } },
      examples: [{ invoice_id: "in_123" }],
    },
  });

export const updateEventTypeBody = z
  .strictObject({
    description: description.optional(),
    schema: jsonSchema.nullable().optional().openapi({
      description: "A new JSON Schema (its version goes up by one), or null to remove it",
    }),
    examples: examples.optional(),
    status: status.optional(),
    deprecation_note: z.string().min(1).max(MAX_DEPRECATION_NOTE).optional().openapi({
      description: "With status deprecated: why, and what to use instead",
    }),
    retention_days: retentionDaysField.nullable().optional().openapi({
      description:
        "This type's payload retention in days (applies to events published after it); null: the organization's",
    }),
  })
  .refine((b) => Object.keys(b).length > 0, { error: "give at least one field to change" })
  .openapi("UpdateEventType", {
    example: { status: "deprecated", deprecation_note: "Use billing.invoice.settled instead" },
  });

export const deprecationView = z
  .object({
    note: z.string(),
    deprecated_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Deprecation");

export const eventTypeView = z
  .object({
    name: z.string(),
    description: z.string(),
    schema: z.record(z.string(), z.unknown()).nullable(),
    schema_version: z.number().int().openapi({
      description:
        "Goes up by one with every schema change; each event records the version it was validated against",
    }),
    examples: z.array(z.record(z.string(), z.unknown())),
    status,
    deprecation: deprecationView.nullable(),
    archived_at: z.string().nullable().openapi({ format: "date-time" }),
    custom: z.boolean().openapi({ description: "false for the catalog's default types" }),
    retention_days: z.number().int().nullable().openapi({
      description: "This type's own payload retention in days; null: the organization's applies",
    }),
    created_at: z.string().nullable().openapi({ format: "date-time" }),
    updated_at: z.string().nullable().openapi({ format: "date-time" }),
  })
  .openapi("EventType");

export const eventTypeParam = z.object({
  name: z
    .string()
    .min(1)
    .max(MAX_EVENT_TYPE_LENGTH)
    .openapi({ param: { name: "name", in: "path" }, example: "billing.invoice.paid" }),
});

export const catalogDocument = z.record(z.string(), z.unknown()).openapi("CatalogDocument", {
  description:
    "An OpenAPI 3.1 document whose `webhooks` name event types: each a POST whose JSON body is the webhook envelope (`data` is the type's schema) or the data schema itself, with `examples`; `deprecated` or `x-hookrelay-status` give the status",
  example: {
    openapi: "3.1.0",
    info: { title: "Billing events", version: "1" },
    webhooks: {
      "billing.invoice.paid": {
        post: {
          summary: "An invoice was paid",
          requestBody: {
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["invoice_id"],
                  properties: { invoice_id: { type: "string" } },
                },
                examples: { paid: { value: { invoice_id: "in_123" } } },
              },
            },
          },
        },
      },
    },
  },
});

export const importResult = z
  .object({
    data: z.array(
      z.object({
        name: z.string(),
        action: z.enum(["created", "updated", "unchanged", "failed"]),
        schema_version: z.number().int().optional(),
        error: z.object({ code: z.string(), message: z.string() }).optional().openapi({
          description: "Why this type's write failed (the others were still written)",
        }),
      }),
    ),
  })
  .openapi("EventTypeImport");
