/**
 * The attempt log and recovery: attempts per endpoint and per event (newest first,
 * filterable by outcome), resend one delivery, recover an endpoint's failed deliveries.
 * Reads: any role. Resend and recover: admin (docs/design.md "Where each policy lives": writes need admin).
 */
import type { z } from "@hono/zod-openapi";
import { attemptDetail, endpointAttempts, endpointStats, eventAttempts } from "../../delivery/attempt-log.js";
import { recoverEndpoint, resendDelivery } from "../../delivery/recovery.js";
import type { Deps } from "../../deps.js";
import { pageBody, pageOf, pageQuery } from "../pagination.js";
import { ok, routes } from "../route-spec.js";
import { createRouter, orgOf } from "../router.js";
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

const endpoints = routes("Webhook endpoints");
const events = routes("Events");

const byEndpoint = endpoints.get("/webhook-endpoints/{id}/attempts", "viewer", "listEndpointAttempts", {
  summary: "List the delivery attempts made to an endpoint, newest first",
  description:
    "Every attempt made to this endpoint, newest first: status code, latency, the first 4 KiB of the response, the error. `status` keeps only successes or failures; cursor-paginated.",
  request: { params: endpointAttemptsParam, query: attemptsQuery },
  responses: ok(200, "A page of attempts", pageOf(attemptView)).errors(400, 403, 404),
});

const byEvent = events.get("/events/{id}/attempts", "viewer", "listEventAttempts", {
  summary: "List the delivery attempts of an event across its endpoints, newest first",
  description: "Every attempt made for this event, across its endpoints, newest first; cursor-paginated.",
  request: { params: eventAttemptsParam, query: attemptsQuery },
  responses: ok(200, "A page of attempts", pageOf(attemptView)).errors(400, 403, 404),
});

const detail = events.get(
  "/events/{id}/endpoints/{endpoint_id}/attempts/{attempt_id}",
  "viewer",
  "getAttempt",
  {
    summary: "Get one delivery attempt with the request it sent",
    description:
      "One attempt and the request it sent: method, URL, every header and the exact body. The signature itself is not stored (`webhook-signature` shows its version only); `settings_changed_since` says the endpoint was edited after the attempt, so its URL and custom headers may have differed.",
    request: { params: attemptDetailParam },
    responses: ok(200, "The attempt", attemptDetailView).errors(400, 403, 404),
  },
);

const stats = endpoints.get("/webhook-endpoints/{id}/stats", "viewer", "getEndpointStats", {
  summary: "Get an endpoint's success rate and latency over 24 h or 7 days",
  description:
    "Attempts, success rate and latency over the last 24 hours (hourly buckets) or 7 days (daily buckets, UTC), computed from the attempt log by queries (no scan), at most 10,000 attempts (`truncated`). Attempts of resends and recoveries of events older than the window and the retry schedule are not counted.",
  request: { params: endpointAttemptsParam, query: statsQuery },
  responses: ok(200, "The aggregate", endpointStatsView).errors(400, 403, 404),
});

const resend = events.post("/events/{id}/endpoints/{endpoint_id}/resend", "admin", "resendEvent", {
  summary: "Deliver an event to one of its endpoints again (a fresh retry cycle)",
  description:
    "Enqueues the event for this endpoint again with a fresh retry cycle, whatever the delivery's state (attempts are logged with `trigger: resend`). 409 `endpoint_disabled` when the endpoint is disabled. Admin role.",
  request: { params: resendParam },
  responses: ok(202, "Enqueued", resendResult).errors(403, 404, 409),
});

const recover = endpoints.post("/webhook-endpoints/{id}/recover", "admin", "recoverEndpoint", {
  summary: "Re-send every failed, skipped or abandoned delivery of this endpoint since a time",
  description:
    "Re-enqueues every `failed`, `skipped` or `abandoned` delivery of events created at or after `since`, and every stuck one (`pending` or `retrying` more than 15 minutes past its due time, or never recorded 15 minutes after the fan-out; docs/recovery.md), at most 1000 per call: when `more` is true, call again with the same `since`. Recovered deliveries are never sent twice by a repeated call. Admin role; 409 when the endpoint is disabled.",
  request: { params: endpointAttemptsParam, body: recoverBody },
  responses: ok(202, "Enqueued", recoverResult).errors(400, 403, 404, 409, 413, 415),
});

export function deliveriesRoutes(deps: Deps) {
  const app = createRouter();
  const attemptsPage = (q: z.infer<typeof attemptsQuery>) => ({
    ...pageQuery(q),
    success: q.status === undefined ? undefined : q.status === "succeeded",
  });

  app.openapi(byEndpoint, async (c) => {
    const q = attemptsPage(c.req.valid("query"));
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
    return c.json({ ...toAttemptView(attempt), request }, 200);
  });
  app.openapi(stats, async (c) => {
    return c.json(
      await endpointStats(deps, orgOf(c), c.req.valid("param").id, c.req.valid("query").window),
      200,
    );
  });
  app.openapi(resend, async (c) => {
    const p = c.req.valid("param");
    const res = await resendDelivery(deps, orgOf(c), p.id, p.endpoint_id);
    return c.json({ ...res, status: "pending" as const }, 202);
  });
  app.openapi(recover, async (c) => {
    const res = await recoverEndpoint(deps, orgOf(c), c.req.valid("param").id, c.req.valid("json").since);
    return c.json(res, 202);
  });
  return app;
}
