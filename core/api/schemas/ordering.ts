/**
 * An endpoint's `ordering` and `ordering_key` in the API: what a create or update may set, and
 * what the endpoint view shows (docs/delivery.md, "Ordered delivery"; core/model/ordering.ts).
 */
import { z } from "@hono/zod-openapi";
import { type EndpointRecord, ORDERING_KEY } from "../../model/index.js";

const ordering = z.enum(["none", "strict"]);

/** Optional on create and update (unchanged when omitted on update). */
export const orderingInput = {
  ordering: ordering.optional().openapi({
    description:
      "strict: events are delivered one at a time, in publish order (per ordering_key value); a failing event holds the ones behind it until it succeeds or is dead-lettered (docs/delivery.md). none (the default on create): concurrent, unordered; unchanged when omitted on update",
    example: "strict",
  }),
  ordering_key: z
    .string()
    .min(1)
    .max(ORDERING_KEY.maxLength)
    .nullable()
    .optional()
    .openapi({
      description: `With ordering strict: a dotted path into the event (data.…, agent_id or type; at most ${ORDERING_KEY.maxSegments} segments) whose value orders separately, e.g. data.customer_id: one customer's events never wait for another's. Events without a value there share one order. null = one order for the whole endpoint`,
      example: "data.customer_id",
    }),
};

export const orderingView = {
  ordering: ordering.openapi({
    description: "strict: one event at a time, in publish order (per ordering_key value); none: unordered",
  }),
  ordering_key: z.string().nullable().openapi({
    description: "The event field whose value orders separately; null = one order per endpoint",
  }),
};

export const orderingOf = (rec: Pick<EndpointRecord, "ordering" | "ordering_key">) => ({
  ordering: rec.ordering ?? ("none" as const),
  ordering_key: rec.ordering_key ?? null,
});
