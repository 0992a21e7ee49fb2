/**
 * Operational events as the platform organization's endpoints receive them (docs/operations.md),
 * declared in the OpenAPI document's `webhooks` so clients get their types
 * (`webhooks["hookrelay.endpoint.failing"]` in the generated client).
 */
import { z } from "@hono/zod-openapi";
import { OPERATIONAL_DATA, OPERATIONAL_EVENT_TYPES, type OperationalType } from "../../model/index.js";

/** The body of one operational event's webhook (the Standard Webhooks body of every event). */
export function operationalEventBody(type: OperationalType) {
  const name = type
    .split(/[._]/)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");
  return z
    .object({
      id: z.string().openapi({ description: "The event's id (also `webhook-id`)" }),
      type: z.literal(type),
      timestamp: z.iso.datetime(),
      // The same schema the platform's event-type catalog gives as JSON Schema (core/model/operational-data.ts).
      data: OPERATIONAL_DATA[type],
    })
    .openapi(`${name}Event`);
}

export const operationalTypes = OPERATIONAL_EVENT_TYPES;
