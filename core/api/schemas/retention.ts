/** Bodies and responses of /v1/retention (docs/data.md). */
import { z } from "@hono/zod-openapi";
import { retentionDaysField } from "./event-types.js";

export const retentionView = z
  .object({
    days: z
      .number()
      .int()
      .openapi({ description: "The payload retention of events whose type has none of its own" }),
    source: z.enum(["organization", "default"]).openapi({
      description:
        "organization: set with PUT /v1/retention; default: the deployment's (EVENT_RETENTION_DAYS)",
    }),
    default_days: z.number().int(),
    min_days: z.number().int(),
    max_days: z.number().int(),
    event_types: z
      .array(z.object({ name: z.string(), retention_days: z.number().int() }))
      .openapi({ description: "Event types with their own retention (set when the type is created)" }),
  })
  .openapi("Retention");

export const setRetentionBody = z
  .strictObject({
    days: retentionDaysField.nullable().openapi({
      description: "Days an event's payload is kept (null: back to the deployment's default)",
    }),
  })
  .openapi("SetRetention", { example: { days: 14 } });
