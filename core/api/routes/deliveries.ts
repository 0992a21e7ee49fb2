/**
 * The attempt log and recovery: attempts per endpoint and per event (newest first,
 * filterable by outcome), resend one delivery, recover an endpoint's failed deliveries.
 * Reads: any role. Resend and recover: admin (docs/design.md "Where each policy lives": writes need admin).
 */
import { createRoute } from "@hono/zod-openapi";
import { attemptDetail, endpointAttempts, endpointStats, eventAttempts } from "../../delivery/attempt-log.js";
import { recoverEndpoint, resendDelivery } from "../../delivery/recovery.js";
import type { Deps } from "../../deps.js";
import { requireRole } from "../auth.js";
import { errorResponses } from "../errors.js";
import { decodeCursor, encodeCursor, pageOf } from "../pagination.js";
import { createRouter, json, orgOf } from "../router.js";
import {
  attemptDetailParam,
  attemptDetailView,
  attemptsQuery,
  attemptView,
  endpointAttemptsParam,
  endpointStatsView,
  eventAttemptsParam,
  recoverBody,
  recoverResult,
  resendParam,
  resendResult,
  statsQuery,
  toAttemptView,
} from "../schemas/deliveries.js";

const endpointAttemptsRoute = createRoute({
  method: "get",
  path: "/webhook-endpoints/{id}/attempts",
  operationId: "listEndpointAttempts",
  description:
    "Every attempt made to this endpoint, newest first: status code, latency, the first 4 KiB of the response, the error. `status` keeps only successes or failures; cursor-paginated.",
  tags: ["Webhook endpoints"],
  summary: "List the delivery attempts made to an endpoint, newest first",
  middleware: [requireRole("viewer")] as const,
  request: { params: endpointAttemptsParam, query: attemptsQuery },
  responses: {
    200: { description: "A page of attempts", content: json(pageOf(attemptView)) },
    ...errorResponses(400, 403, 404),
  },
});

const eventAttemptsRoute = createRoute({
  method: "get",
  path: "/events/{id}/attempts",
  operationId: "listEventAttempts",
  description: "Every attempt made for this event, across its endpoints, newest first; cursor-paginated.",
  tags: ["Events"],
  summary: "List the delivery attempts of an event across its endpoints, newest first",
  middleware: [requireRole("viewer")] as const,
  request: { params: eventAttemptsParam, query: attemptsQuery },
  responses: {
    200: { description: "A page of attempts", content: json(pageOf(attemptView)) },
    ...errorResponses(400, 403, 404),
  },
});

const attemptDetailRoute = createRoute({
  method: "get",
  path: "/events/{id}/endpoints/{endpoint_id}/attempts/{attempt_id}",
  operationId: "getAttempt",
  description:
    "One attempt and the request it sent: method, URL, every header and the exact body. The signature itself is not stored (`webhook-signature` shows its version only); `settings_changed_since` says the endpoint was edited after the attempt, so its URL and custom headers may have differed.",
  tags: ["Events"],
  summary: "Get one delivery attempt with the request it sent",
  middleware: [requireRole("viewer")] as const,
  request: { params: attemptDetailParam },
  responses: {
    200: { description: "The attempt", content: json(attemptDetailView) },
    ...errorResponses(400, 403, 404),
  },
});

const endpointStatsRoute = createRoute({
  method: "get",
  path: "/webhook-endpoints/{id}/stats",
  operationId: "getEndpointStats",
  description:
    "Attempts, success rate and latency over the last 24 hours (hourly buckets) or 7 days (daily buckets, UTC), computed from the attempt log by queries (no scan), at most 10,000 attempts (`truncated`). Attempts of resends and recoveries of events older than the window and the retry schedule are not counted.",
  tags: ["Webhook endpoints"],
  summary: "Get an endpoint's success rate and latency over 24 h or 7 days",
  middleware: [requireRole("viewer")] as const,
  request: { params: endpointAttemptsParam, query: statsQuery },
  responses: {
    200: { description: "The aggregate", content: json(endpointStatsView) },
    ...errorResponses(400, 403, 404),
  },
});

const resendRoute = createRoute({
  method: "post",
  path: "/events/{id}/endpoints/{endpoint_id}/resend",
  operationId: "resendEvent",
  description:
    "Enqueues the event for this endpoint again with a fresh retry cycle, whatever the delivery's state (attempts are logged with `trigger: resend`). 409 `endpoint_disabled` when the endpoint is disabled. Admin role.",
  tags: ["Events"],
  summary: "Deliver an event to one of its endpoints again (a fresh retry cycle)",
  middleware: [requireRole("admin")] as const,
  request: { params: resendParam },
  responses: {
    202: { description: "Enqueued", content: json(resendResult) },
    ...errorResponses(403, 404, 409),
  },
});

const recoverRoute = createRoute({
  method: "post",
  path: "/webhook-endpoints/{id}/recover",
  operationId: "recoverEndpoint",
  description:
    "Re-enqueues every `failed`, `skipped` or `abandoned` delivery of events created at or after `since`, and every stuck one (`pending` or `retrying` more than 15 minutes past its due time, or never recorded 15 minutes after the fan-out; docs/recovery.md), at most 1000 per call: when `more` is true, call again with the same `since`. Recovered deliveries are never sent twice by a repeated call. Admin role; 409 when the endpoint is disabled.",
  tags: ["Webhook endpoints"],
  summary: "Re-send every failed, skipped or abandoned delivery of this endpoint since a time",
  middleware: [requireRole("admin")] as const,
  request: { params: endpointAttemptsParam, body: { required: true, content: json(recoverBody) } },
  responses: {
    202: { description: "Enqueued", content: json(recoverResult) },
    ...errorResponses(400, 403, 404, 409, 413, 415),
  },
});

export function deliveriesRoutes(deps: Deps) {
  const app = createRouter();
  const outcome = (s: "succeeded" | "failed" | undefined) =>
    s === undefined ? undefined : s === "succeeded";

  app.openapi(endpointAttemptsRoute, async (c) => {
    const q = c.req.valid("query");
    const page = await endpointAttempts(deps, orgOf(c), c.req.valid("param").id, {
      limit: q.limit,
      cursor: decodeCursor(q.cursor),
      success: outcome(q.status),
    });
    return c.json({ data: page.attempts.map(toAttemptView), next_cursor: encodeCursor(page.last) }, 200);
  });
  app.openapi(eventAttemptsRoute, async (c) => {
    const q = c.req.valid("query");
    const page = await eventAttempts(deps, orgOf(c), c.req.valid("param").id, {
      limit: q.limit,
      cursor: decodeCursor(q.cursor),
      success: outcome(q.status),
    });
    return c.json({ data: page.attempts.map(toAttemptView), next_cursor: encodeCursor(page.last) }, 200);
  });
  app.openapi(attemptDetailRoute, async (c) => {
    const p = c.req.valid("param");
    const { attempt, request } = await attemptDetail(deps, orgOf(c), p.id, p.endpoint_id, p.attempt_id);
    return c.json({ ...toAttemptView(attempt), request }, 200);
  });
  app.openapi(endpointStatsRoute, async (c) => {
    const stats = await endpointStats(deps, orgOf(c), c.req.valid("param").id, c.req.valid("query").window);
    return c.json(stats, 200);
  });
  app.openapi(resendRoute, async (c) => {
    const p = c.req.valid("param");
    const res = await resendDelivery(deps, orgOf(c), p.id, p.endpoint_id);
    return c.json({ ...res, status: "pending" as const }, 202);
  });
  app.openapi(recoverRoute, async (c) => {
    const res = await recoverEndpoint(deps, orgOf(c), c.req.valid("param").id, c.req.valid("json").since);
    return c.json(res, 202);
  });
  return app;
}
