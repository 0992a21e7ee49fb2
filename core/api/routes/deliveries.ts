/**
 * The attempt log and recovery: attempts per endpoint and per event (newest first,
 * filterable by outcome), resend one delivery, recover an endpoint's failed deliveries and
 * replay them, both as tracked tasks (core/delivery/recover-task.ts, replay.ts).
 * Reads: any role. Resend and recover: admin (docs/design.md "Where each policy lives": writes need admin).
 */
import type { z } from "@hono/zod-openapi";
import {
  attemptDetail,
  endpointAttempts,
  endpointStats,
  eventAttempts,
  resendDelivery,
  startRecover,
  startReplay,
} from "../../delivery/index.js";
import type { ApiContext } from "../context.js";
import { pageBody, pageOf, pageQuery } from "../pagination.js";
import { ok, routes } from "../route-spec.js";
import { createRouter, headersShownTo, orgOf, typeScope } from "../router.js";
import {
  attemptDetailParam,
  attemptDetailView,
  attemptsQuery,
  attemptView,
  endpointAttemptsParam,
  endpointStatsView,
  eventAttemptsParam,
  recoverBody,
  replayBody,
  resendParam,
  resendResult,
  statsQuery,
  toAttemptView,
} from "../schemas/deliveries.js";
import { taskCreated } from "../schemas/tasks.js";

const endpoints = routes("Webhook endpoints");
const events = routes("Events");

const byEndpoint = endpoints.get("/webhook-endpoints/{id}/attempts", "viewer", "listEndpointAttempts", {
  request: { params: endpointAttemptsParam, query: attemptsQuery },
  responses: ok(200, "A page of attempts", pageOf(attemptView)).errors(400, 403, 404),
});

const byEvent = events.get("/events/{id}/attempts", "viewer", "listEventAttempts", {
  request: { params: eventAttemptsParam, query: attemptsQuery },
  responses: ok(200, "A page of attempts", pageOf(attemptView)).errors(400, 403, 404),
});

const attempt = "/events/{id}/endpoints/{endpoint_id}/attempts/{attempt_id}";
const detail = events.get(attempt, "viewer", "getAttempt", {
  request: { params: attemptDetailParam },
  responses: ok(200, "The attempt", attemptDetailView).errors(400, 403, 404),
});

const stats = endpoints.get("/webhook-endpoints/{id}/stats", "viewer", "getEndpointStats", {
  request: { params: endpointAttemptsParam, query: statsQuery },
  responses: ok(200, "The aggregate", endpointStatsView).errors(400, 403, 404),
});

const resend = events.post("/events/{id}/endpoints/{endpoint_id}/resend", "admin", "resendEvent", {
  request: { params: resendParam },
  responses: ok(202, "Enqueued", resendResult).errors(403, 404, 409),
});

const recover = endpoints.post("/webhook-endpoints/{id}/recover", "admin", "recoverEndpoint", {
  request: { params: endpointAttemptsParam, body: recoverBody },
  responses: ok(202, "Started", taskCreated).errors(400, 403, 404, 409, 413, 415),
});

const replay = endpoints.post("/webhook-endpoints/{id}/replay", "admin", "replayEndpoint", {
  request: { params: endpointAttemptsParam, body: replayBody },
  responses: ok(202, "Started", taskCreated).errors(400, 403, 404, 409, 413, 415),
});

export function deliveriesRoutes(deps: ApiContext) {
  const app = createRouter();
  const attemptsPage = (q: z.infer<typeof attemptsQuery>) => ({
    ...pageQuery(q),
    success: q.status === undefined ? undefined : q.status === "succeeded",
  });

  app.openapi(byEndpoint, async (c) => {
    // An endpoint's log mixes every type it received: a type-scoped session reads its types' only.
    const q = { ...attemptsPage(c.req.valid("query")), ...typeScope(c) };
    const page = await endpointAttempts(deps, orgOf(c), c.req.valid("param").id, q);
    return c.json(pageBody(page.attempts.map(toAttemptView), page.last), 200);
  });
  app.openapi(byEvent, async (c) => {
    const q = attemptsPage(c.req.valid("query"));
    const page = await eventAttempts(deps, orgOf(c), c.req.valid("param").id, q);
    return c.json(pageBody(page.attempts.map(toAttemptView), page.last), 200);
  });
  app.openapi(detail, async (c) => {
    const p = c.req.valid("param");
    const { attempt, request } = await attemptDetail(deps, orgOf(c), p.id, p.endpoint_id, p.attempt_id);
    // The rebuilt request carries the endpoint's custom headers.
    const headers = headersShownTo(c)(request.headers);
    return c.json({ ...toAttemptView(attempt), request: { ...request, headers } }, 200);
  });
  app.openapi(stats, async (c) => {
    return c.json(
      await endpointStats(
        deps,
        orgOf(c),
        c.req.valid("param").id,
        c.req.valid("query").window,
        typeScope(c).eventTypes,
      ),
      200,
    );
  });
  app.openapi(resend, async (c) => {
    const p = c.req.valid("param");
    const res = await resendDelivery(deps, orgOf(c), p.id, p.endpoint_id);
    return c.json({ ...res, status: "pending" as const }, 202);
  });
  app.openapi(recover, async (c) => {
    const { id } = c.req.valid("param");
    const task = await startRecover(deps, orgOf(c), id, c.req.valid("json").since, typeScope(c));
    return c.json({ task_id: task.id, status: task.status }, 202);
  });
  app.openapi(replay, async (c) => {
    const { id } = c.req.valid("param");
    const task = await startReplay(deps, orgOf(c), id, c.req.valid("json"), typeScope(c));
    return c.json({ task_id: task.id, status: task.status }, 202);
  });
  return app;
}
