/** Bodies and responses of /v1/event-types. */
import { z } from "@hono/zod-openapi";
import { eventTypeString, MAX_EVENT_TYPE_DESCRIPTION } from "../../model/index.js";

export const eventTypeName = eventTypeString
  .regex(/^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)*$/, {
    error: "name must be lowercase dot-separated segments of a-z, 0-9, _ and - (e.g. billing.invoice.paid)",
  })
  .openapi({ example: "billing.invoice.paid" });

export const createEventTypeBody = z
  .strictObject({
    name: eventTypeName,
    description: z.string().min(1).max(MAX_EVENT_TYPE_DESCRIPTION),
    schema: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({ description: "JSON Schema that every event's `data` of this type must match" }),
  })
  .openapi("CreateEventType", {
    example: {
      name: "billing.invoice.paid",
      description: "An invoice was paid",
      schema: { type: "object", required: ["invoice_id"], properties: { invoice_id: { type: "string" } } },
    },
  });

export const eventTypeView = z
  .object({
    name: z.string(),
    description: z.string(),
    schema: z.record(z.string(), z.unknown()).nullable(),
    custom: z.boolean().openapi({ description: "false for the catalog's default types" }),
    created_at: z.string().nullable().openapi({ format: "date-time" }),
  })
  .openapi("EventType");
