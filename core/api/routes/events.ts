/**
 * /v1/events: publish over HTTP (the same service as the ingest queue), list and inspect
 * events; and the endpoint test routes, which send a `webhook.test` event the normal way.
 */
import { z } from "@hono/zod-openapi";
import type { Deps } from "../../deps.js";
import { ingestEvent } from "../../events/ingest.js";
import { getEventWithDeliveries, listEvents } from "../../events/query.js";
import { sendTestEvent } from "../../events/test-event.js";
import { deliveryStatus } from "../../model/delivery.js";
import { validationError } from "../../model/errors.js";
import { eventTypeString } from "../../model/message.js";
import { pageBody, pageOf, pageQuery, paginationQuery } from "../pagination.js";
import { ok, routes } from "../route-spec.js";
import { createRouter, orgOf } from "../router.js";
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

const route = routes("Events");
const endpoints = routes("Webhook endpoints");

const publish = route.post("/events", "member", "publishEvent", {
  summary: "Publish an event to every matching endpoint of the organization",
  description:
    "Publishes an event to every endpoint of the organization whose subscriptions match its type (and agent). `id` is an idempotency key: the same id within 24 h is accepted once. `deliver_at` defers the fan-out (at most 30 days). Admin or member role; 413 when `data` is over 256 KiB.",
  request: { body: publishEventBody },
  responses: ok(202, "Accepted (or a duplicate of an accepted event)", publishedEvent).errors(
    400,
    403,
    413,
    415,
  ),
});

const eventsQuery = paginationQuery.extend({
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
});

const list = route.get("/events", "viewer", "listEvents", {
  summary: "List events, newest first",
  description:
    "The organization's events, newest first; cursor-paginated. Filters: `type`; `since`/`until` (when the event was accepted: a key range, cheap); `status`: events with a delivery in that state at some endpoint. A status filter examines at most 200 events per call, so its page may hold fewer than `limit` events (even none) with a `next_cursor`: follow it to go on.",
  request: { query: eventsQuery },
  responses: ok(200, "A page of events", pageOf(eventView)).errors(400, 403),
});

const get = route.get("/events/{id}", "viewer", "getEvent", {
  summary: "Get an event with its delivery status at each endpoint",
  description:
    "One event with its delivery status at each endpoint (`pending`, `retrying`, `succeeded`, `failed`, `skipped`, `abandoned`) and the next attempt's time.",
  request: { params: eventIdParam },
  responses: ok(200, "The event", eventWithDeliveries).errors(403, 404),
});

const testOne = endpoints.post("/webhook-endpoints/{id}/test", "member", "sendTestEvent", {
  summary:
    "Send a test event (webhook.test or a chosen catalog type) to this endpoint, whatever its subscriptions",
  description:
    "Sends a `webhook.test` event to this endpoint through the normal delivery path, whatever its subscriptions. Admin or member role.",
  request: { params: testEndpointParam, optionalBody: testEventBody },
  responses: ok(202, "The test event was enqueued", testEventResult).errors(400, 403, 404, 409),
});

const testAll = endpoints.post("/webhook-endpoints/test", "member", "sendTestEventToAll", {
  summary: "Send a webhook.test event to every enabled endpoint of the organization",
  description:
    "Sends a `webhook.test` event to every enabled endpoint of the organization. Admin or member role.",
  responses: ok(202, "The test event was enqueued", testEventResult).errors(403),
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
    const { limit, cursor } = pageQuery(q);
    const page = await listEvents(deps, orgOf(c), {
      limit,
      type: q.type,
      status: q.status,
      after,
      before,
      cursor,
    });
    return c.json(pageBody(page.events, page.last), 200);
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
