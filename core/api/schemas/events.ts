/** Bodies and responses of /v1/events and the endpoint test routes. */
import { z } from "@hono/zod-openapi";
import {
  deliveryStatus,
  endpointDelivery,
  eventTypeString,
  MAX_DATA_BYTES,
  publishFields,
} from "../../model/index.js";
import { paginationQuery } from "../pagination.js";
import { deprecationView } from "./event-types.js";
import { pathId } from "./params.js";

/**
 * `POST /v1/events`: the ingest message's fields (core/model/message.ts) without `org_id`,
 * which is the API key's organization; only the documentation is added here. The service
 * validates the full message again, so both paths share one contract.
 */
export const publishEventBody = z
  .strictObject({
    ...publishFields,
    type: publishFields.type.meta({ example: "telephony.complete" }),
    data: publishFields.data.meta({
      description: `Event payload; at most ${MAX_DATA_BYTES} bytes serialized`,
    }),
    id: publishFields.id.meta({
      description: "Idempotency key: the same id within 24 h is accepted once",
      example: "call_8f2e.completed",
    }),
    agent_id: publishFields.agent_id.meta({
      description: "Only endpoints filtered to this agent (or to all agents) get the event",
    }),
    deliver_at: publishFields.deliver_at.meta({
      description: "Fan out at this time instead of now (at most 30 days ahead)",
    }),
    subject: publishFields.subject.meta({
      description:
        "The data subject (an opaque id such as a user id, 1-256 printable ASCII characters): `POST /v1/erasures` erases every payload of it",
      example: "user_4821",
    }),
  })
  .openapi("PublishEvent", {
    example: {
      type: "voice.call.ended",
      id: "call_8f2e.ended",
      data: { call_id: "call_8f2e", duration_s: 184 },
    },
  });

/**
 * `POST /v1/events` headers: the W3C trace context. Never refused here: an invalid value is
 * ignored and a new trace started, as the W3C spec tells a receiver (docs/tracing.md).
 */
export const publishHeaders = z.object({
  traceparent: z.string().optional().openapi({
    description:
      "W3C Trace Context (`00-{trace-id}-{parent-id}-{flags}`): kept with the event, so its ingest and every delivery attempt log this trace id, and endpoints with `send_traceparent` receive it (a new span id per attempt). An invalid value is ignored and a new trace started, as the W3C spec requires of a receiver; without one hookrelay starts a trace.",
    example: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
  }),
});

export const publishedEvent = z
  .object({
    id: z.string().openapi({ example: "msg_01JQ3Z7Y8K4M2N6P9R1S3T5V7W" }),
    duplicate: z.boolean().openapi({ description: "true when this idempotency key was already accepted" }),
    scheduled: z.boolean().openapi({ description: "true when the fan-out waits for deliver_at" }),
    deprecation: deprecationView.optional().openapi({
      description:
        "Present when the event's type is deprecated: the event was accepted; the note says what to use instead",
    }),
  })
  .openapi("PublishedEvent");

export const eventView = z
  .object({
    id: z.string(),
    type: z.string(),
    agent_id: z.string().nullable(),
    data: z
      .record(z.string(), z.unknown())
      .nullable()
      .openapi({ description: "The payload; null once it expired or was erased (see `payload`)" }),
    subject: z.string().nullable().openapi({ description: "The data subject the event was published with" }),
    payload: z.enum(["available", "expired", "erased"]).openapi({
      description:
        "available: kept; expired: its retention ran out (deleted by DynamoDB TTL); erased: removed by an erasure",
    }),
    expires_at: z.string().nullable().openapi({
      format: "date-time",
      description: "When the payload is deleted: the retention of its type or organization (docs/data.md)",
    }),
    producer_id: z.string().nullable().openapi({ description: "The idempotency key given at publication" }),
    created_at: z.string().openapi({ format: "date-time" }),
    deliver_at: z.string().nullable().openapi({ format: "date-time" }),
    schema_version: z.number().int().nullable().openapi({
      description:
        "The version of the type's schema the data was validated against (GET /v1/event-types/{name}); null for events stored before versions were recorded",
    }),
    fanout: z.enum(["scheduled", "in_progress", "complete"]).openapi({
      description:
        "scheduled: waiting for deliver_at; complete: every target's task is enqueued (recorded, or seen in the delivery log); in_progress: some target's task is not known to be enqueued yet. A list without a status filter reads no delivery log and reports a first fan-out that left no record as complete",
    }),
  })
  .openapi("Event");

export const endpointDeliveryView = endpointDelivery
  .extend({
    next_attempt_at: endpointDelivery.shape.next_attempt_at.meta({ format: "date-time" }),
    updated_at: endpointDelivery.shape.updated_at.meta({ format: "date-time" }),
  })
  .openapi("EndpointDelivery");

export const eventWithDeliveries = eventView
  .extend({ deliveries: z.array(endpointDeliveryView) })
  .openapi("EventWithDeliveries");

export const eventIdParam = pathId("msg_01JQ3Z7Y8K4M2N6P9R1S3T5V7W");

export const testEndpointParam = pathId("ep_01JQ3Z7Y8K4M2N6P9R1S3T5V7W");

export const testEventBody = z
  .strictObject({
    event_type: z.string().min(1).max(200).optional().openapi({
      description: "A catalog type to send with sample data from its schema; default webhook.test",
    }),
  })
  .openapi("TestEvent", { example: { event_type: "voice.call.ended" } });

export const testEventResult = z
  .object({
    success: z.boolean().openapi({ description: "false when no endpoint could be sent the test event" }),
    message_id: z.string(),
    endpoint_count: z.number().int(),
  })
  .openapi("TestEventResult");

/** `since`/`until`: bounds on when an event was accepted (a key range of the event log). */
const acceptedBound = (name: "since" | "until", description: string, example?: { example: string }) =>
  z.iso
    .datetime({ offset: true })
    .optional()
    .openapi({ param: { name, in: "query" }, description, ...example });

/** `GET /v1/events`: a page, filtered by type, delivery status and when events were accepted. */
export const eventsQuery = paginationQuery.extend({
  type: eventTypeString
    .optional()
    .openapi({ param: { name: "type", in: "query" }, description: "Only events of this type" }),
  status: deliveryStatus.optional().openapi({
    param: { name: "status", in: "query" },
    description: "Only events with a delivery in this state at some endpoint",
  }),
  since: acceptedBound("since", "Only events accepted at or after this time", {
    example: "2026-03-16T00:00:00Z",
  }),
  until: acceptedBound("until", "Only events accepted before this time"),
});
