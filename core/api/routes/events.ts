/**
 * /v1/events: publish over HTTP (the same service as the ingest queue), list and inspect
 * events; and the endpoint test routes, which send a `webhook.test` event the normal way.
 */

import { getEventWithDeliveries, ingestEvent, listEvents, sendTestEvent } from "../../events/index.js";
import { validationError } from "../../model/index.js";
import type { ApiContext } from "../context.js";
import { pageBody, pageOf, pageQuery } from "../pagination.js";
import { ok, routes } from "../route-spec.js";
import { createRouter, orgOf } from "../router.js";
import {
  eventIdParam,
  eventsQuery,
  eventView,
  eventWithDeliveries,
  publishEventBody,
  publishedEvent,
  publishHeaders,
  testEndpointParam,
  testEventBody,
  testEventResult,
} from "../schemas/events.js";

const route = routes("Events");
const endpoints = routes("Webhook endpoints");

const accepted = ok(202, "Accepted (or a duplicate of an accepted event)", publishedEvent);
const publish = route.post("/events", "member", "publishEvent", {
  request: { headers: publishHeaders, body: publishEventBody },
  responses: accepted.errors(400, 403, 409, 413, 415),
});

const list = route.get("/events", "viewer", "listEvents", {
  request: { query: eventsQuery },
  responses: ok(200, "A page of events", pageOf(eventView)).errors(400, 403),
});

const get = route.get("/events/{id}", "viewer", "getEvent", {
  request: { params: eventIdParam },
  responses: ok(200, "The event", eventWithDeliveries).errors(403, 404),
});

const testOne = endpoints.post("/webhook-endpoints/{id}/test", "member", "sendTestEvent", {
  request: { params: testEndpointParam, optionalBody: testEventBody },
  responses: ok(202, "The test event was enqueued", testEventResult).errors(400, 403, 404, 409),
});

const testAll = endpoints.post("/webhook-endpoints/test", "member", "sendTestEventToAll", {
  responses: ok(202, "The test event was enqueued", testEventResult).errors(403),
});

export function eventsRoutes(deps: ApiContext) {
  const app = createRouter();

  app.openapi(publish, async (c) => {
    const { traceparent } = c.req.valid("header");
    const res = await ingestEvent(deps, { ...c.req.valid("json"), org_id: orgOf(c) }, { traceparent });
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
