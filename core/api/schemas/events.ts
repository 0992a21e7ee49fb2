/** Bodies and responses of /v1/events and the endpoint test routes. */
import { z } from "@hono/zod-openapi";
import { deliveryStatus } from "../../model/delivery.js";
import { MAX_DATA_BYTES } from "../../model/message.js";

/**
 * `POST /v1/events`: the ingest message without `org_id` (it is the API key's organization).
 * Declared here with the API's zod for the OpenAPI document; the service validates the
 * full message again with core/model/message.ts, the one contract both paths share.
 */
export const publishEventBody = z
  .strictObject({
    type: z.string().min(1).max(128).openapi({ example: "telephony.complete" }),
    data: z
      .record(z.string(), z.unknown())
      .openapi({ description: `Event payload; at most ${MAX_DATA_BYTES} bytes serialized` }),
    id: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9._:-]+$/)
      .optional()
      .openapi({
        description: "Idempotency key: the same id within 24 h is accepted once",
        example: "call_8f2e.completed",
      }),
    agent_id: z
      .union([z.string().min(1).max(128), z.number().int().nonnegative()])
      .optional()
      .openapi({ description: "Only endpoints filtered to this agent (or to all agents) get the event" }),
    deliver_at: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: "Fan out at this time instead of now (at most 30 days ahead)" }),
  })
  .openapi("PublishEvent");

export const publishedEvent = z
  .object({
    id: z.string().openapi({ example: "msg_01JQ3Z7Y8K4M2N6P9R1S3T5V7W" }),
    duplicate: z.boolean().openapi({ description: "true when this idempotency key was already accepted" }),
    scheduled: z.boolean().openapi({ description: "true when the fan-out waits for deliver_at" }),
  })
  .openapi("PublishedEvent");

export const eventView = z
  .object({
    id: z.string(),
    type: z.string(),
    agent_id: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
    producer_id: z.string().nullable().openapi({ description: "The idempotency key given at publication" }),
    created_at: z.string().openapi({ format: "date-time" }),
    deliver_at: z.string().nullable().openapi({ format: "date-time" }),
    fanout: z.enum(["scheduled", "in_progress", "complete"]).openapi({
      description: "scheduled: waiting for deliver_at; complete: every target's task is enqueued",
    }),
  })
  .openapi("Event");

export const endpointDelivery = z
  .object({
    endpoint_id: z.string(),
    status: deliveryStatus,
    attempts: z.number().int(),
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    next_attempt_at: z.string().nullable().openapi({ format: "date-time" }),
    updated_at: z.string().nullable().openapi({ format: "date-time" }),
  })
  .openapi("EndpointDelivery");

export const eventWithDeliveries = eventView
  .extend({ deliveries: z.array(endpointDelivery) })
  .openapi("EventWithDeliveries");

export const eventIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "msg_01JQ3Z7Y8K4M2N6P9R1S3T5V7W" }),
});

export const testEndpointParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "ep_01JQ3Z7Y8K4M2N6P9R1S3T5V7W" }),
});

export const testEventResult = z
  .object({
    success: z.boolean().openapi({ description: "false when no endpoint could be sent the test event" }),
    message_id: z.string(),
    endpoint_count: z.number().int(),
  })
  .openapi("TestEventResult");
