/**
 * /v1/events: publish over HTTP (the same service as the ingest queue), list and inspect
 * events; and the endpoint test routes, which send a `webhook.test` event the normal way.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Deps } from "../../deps.js";
import { ingestEvent } from "../../events/ingest.js";
import { getEventWithDeliveries, listEvents } from "../../events/query.js";
import { sendTestEvent } from "../../events/test-event.js";
import { deliveryStatus } from "../../model/delivery.js";
import { validationError } from "../../model/errors.js";
import { eventTypeString } from "../../model/message.js";
import { requireRole } from "../auth.js";
import { errorResponses } from "../errors.js";
import { decodeCursor, encodeCursor, pageOf, paginationQuery } from "../pagination.js";
import { createRouter, json, orgOf } from "../router.js";
import {
  eventIdParam,
  eventView,
  eventWithDeliveries,
  publishEventBody,
  publishedEvent,
  testEndpointParam,
  testEventBody,
  testEventResult,
} from "../schemas/events.js";

const tags = ["Events"];

const publish = createRoute({
  method: "post",
  path: "/events",
  operationId: "publishEvent",
  description:
    "Publishes an event to every endpoint of the organization whose subscriptions match its type (and agent). `id` is an idempotency key: the same id within 24 h is accepted once. `deliver_at` defers the fan-out (at most 30 days). Admin or member role; 413 when `data` is over 256 KiB.",
  tags,
  summary: "Publish an event to every matching endpoint of the organization",
  middleware: [requireRole("member")] as const,
  request: { body: { required: true, content: json(publishEventBody) } },
  responses: {
    202: { description: "Accepted (or a duplicate of an accepted event)", content: json(publishedEvent) },
    ...errorResponses(400, 403, 413, 415),
  },
});

const list = createRoute({
  method: "get",
  path: "/events",
  operationId: "listEvents",
  description:
    "The organization's events, newest first; cursor-paginated. Filters: `type`; `since`/`until` (when the event was accepted: a key range, cheap); `status`: events with a delivery in that state at some endpoint. A status filter examines at most 200 events per call, so its page may hold fewer than `limit` events (even none) with a `next_cursor`: follow it to go on.",
  tags,
  summary: "List events, newest first",
  middleware: [requireRole("viewer")] as const,
  request: {
    query: paginationQuery.extend({
      type: eventTypeString
        .optional()
        .openapi({ param: { name: "type", in: "query" }, description: "Only events of this type" }),
      status: deliveryStatus.optional().openapi({
        param: { name: "status", in: "query" },
        description: "Only events with a delivery in this state at some endpoint",
      }),
      since: z.iso
        .datetime({ offset: true })
        .optional()
        .openapi({
          param: { name: "since", in: "query" },
          description: "Only events accepted at or after this time",
          example: "2026-03-16T00:00:00Z",
        }),
      until: z.iso
        .datetime({ offset: true })
        .optional()
        .openapi({
          param: { name: "until", in: "query" },
          description: "Only events accepted before this time",
        }),
    }),
  },
  responses: {
    200: { description: "A page of events", content: json(pageOf(eventView)) },
    ...errorResponses(400, 403),
  },
});

const get = createRoute({
  method: "get",
  path: "/events/{id}",
  operationId: "getEvent",
  description:
    "One event with its delivery status at each endpoint (`pending`, `retrying`, `succeeded`, `failed`, `skipped`, `abandoned`) and the next attempt's time.",
  tags,
  summary: "Get an event with its delivery status at each endpoint",
  middleware: [requireRole("viewer")] as const,
  request: { params: eventIdParam },
  responses: {
    200: { description: "The event", content: json(eventWithDeliveries) },
    ...errorResponses(403, 404),
  },
});

const testOne = createRoute({
  method: "post",
  path: "/webhook-endpoints/{id}/test",
  operationId: "sendTestEvent",
  description:
    "Sends a `webhook.test` event to this endpoint through the normal delivery path, whatever its subscriptions. Admin or member role.",
  tags: ["Webhook endpoints"],
  summary:
    "Send a test event (webhook.test or a chosen catalog type) to this endpoint, whatever its subscriptions",
  middleware: [requireRole("member")] as const,
  request: { params: testEndpointParam, body: { required: false, content: json(testEventBody) } },
  responses: {
    202: { description: "The test event was enqueued", content: json(testEventResult) },
    ...errorResponses(400, 403, 404, 409),
  },
});

const testAll = createRoute({
  method: "post",
  path: "/webhook-endpoints/test",
  operationId: "sendTestEventToAll",
  description:
    "Sends a `webhook.test` event to every enabled endpoint of the organization. Admin or member role.",
  tags: ["Webhook endpoints"],
  summary: "Send a webhook.test event to every enabled endpoint of the organization",
  middleware: [requireRole("member")] as const,
  responses: {
    202: { description: "The test event was enqueued", content: json(testEventResult) },
    ...errorResponses(403),
  },
});

export function eventsRoutes(deps: Deps) {
  const app = createRouter();

  app.openapi(publish, async (c) => {
    const res = await ingestEvent(deps, { ...c.req.valid("json"), org_id: orgOf(c) });
    return c.json(res, 202);
  });
  app.openapi(list, async (c) => {
    const q = c.req.valid("query");
    const after = q.since === undefined ? undefined : Date.parse(q.since);
    const before = q.until === undefined ? undefined : Date.parse(q.until);
    if (after !== undefined && before !== undefined && before <= after)
      throw validationError("until must be after since", [
        { path: "until", code: "invalid_range", message: "until must be after since" },
      ]);
    const page = await listEvents(deps, orgOf(c), {
      limit: q.limit,
      type: q.type,
      status: q.status,
      after,
      before,
      cursor: decodeCursor(q.cursor),
    });
    return c.json({ data: page.events, next_cursor: encodeCursor(page.last) }, 200);
  });
  app.openapi(get, async (c) => {
    return c.json(await getEventWithDeliveries(deps, orgOf(c), c.req.valid("param").id), 200);
  });
  app.openapi(testAll, async (c) => {
    const res = await sendTestEvent(deps, orgOf(c));
    return c.json({ success: res.endpoint_count > 0, ...res }, 202);
  });
  app.openapi(testOne, async (c) => {
    const res = await sendTestEvent(deps, orgOf(c), c.req.valid("param").id, c.req.valid("json")?.event_type);
    return c.json({ success: true, ...res }, 202);
  });
  return app;
}
