/**
 * Operational events as the platform organization's endpoints receive them (docs/operations.md),
 * declared in the OpenAPI document's `webhooks` so clients get their types
 * (`webhooks["hookrelay.endpoint.failing"]` in the generated client).
 */
import { z } from "@hono/zod-openapi";
import { OPERATIONAL_EVENT_TYPES, type OperationalType } from "../../model/index.js";

const common = {
  org_id: z
    .string()
    .openapi({ description: "The organization the endpoint belongs to", example: "org_acme" }),
  endpoint_id: z.string().openapi({ example: "ep_01J9Z6Q3W8R2K4M6N8P0S2T4V6" }),
  reason: z.string().openapi({ description: "Why, in words", example: "HTTP 503" }),
  occurred_at: z.iso.datetime(),
};

const count = z.number().int().nonnegative();
const time = z.iso.datetime();

/** What each type's `data` adds to the common fields. */
const extra: Record<OperationalType, Record<string, z.ZodType>> = {
  "hookrelay.endpoint.failing": { consecutive_failures: count, first_failure_at: time, failing_since: time },
  "hookrelay.endpoint.disabled": {
    disabled_by: z.enum(["auto_disable", "gone", "manual", "target_deleted"]),
    consecutive_failures: count.nullable(),
    last_error: z.string().nullable(),
  },
  "hookrelay.endpoint.recovered": { failed_before_recovery: count, failing_since: time.nullable() },
  "hookrelay.endpoint.enabled": {},
  "hookrelay.endpoint.access_denied": {
    role_arn: z.string().nullable().openapi({ description: "The role hookrelay could not use" }),
    last_error: z.string(),
  },
  "hookrelay.breaker.opened": { consecutive_failures: count, open_until: time },
  "hookrelay.message.dead_lettered": { msg_id: z.string(), event_type: z.string(), attempts: count },
};

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
      data: z.object({ ...common, ...extra[type] }),
    })
    .openapi(`${name}Event`);
}

export const operationalTypes = OPERATIONAL_EVENT_TYPES;
