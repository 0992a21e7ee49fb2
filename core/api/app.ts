/**
 * The HTTP API: one Hono app served by Lambda (functions/api.ts) and by the local stack.
 *
 * Everything under /v1 needs an API key (`Authorization: Bearer …` or `X-API-Key`). Every failure, from a zod validation issue
 * to an unknown route, answers `{ "error": { "code", "message", "details"? } }`.
 */

import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { MAX_BODY_BYTES, ServiceError } from "../model/index.js";
import { portalPages } from "../portal/index.js";
import { tableReadiness } from "../readiness.js";
import { authMiddleware } from "./auth.js";
import type { ApiContext } from "./context.js";
import { docsRoutes } from "./docs.js";
import type { ApiEnv } from "./env.js";
import { errorJson, toErrorResponse } from "./errors.js";
import { requestLogContext } from "./log-context.js";
import { describeOperationalWebhooks } from "./operational-webhooks.js";
import { portalScopeMiddleware } from "./portal-scope.js";
import { mountProfiles, profileAt, profileTags } from "./profiles/index.js";
import { validationHook } from "./router.js";
import { agentWebhooksRoutes } from "./routes/agent-webhooks.js";
import { apiKeysRoutes } from "./routes/api-keys.js";
import { deliveriesRoutes } from "./routes/deliveries.js";
import { dlqRoutes } from "./routes/dlq.js";
import { endpointFilterRoutes, jwksRoutes } from "./routes/endpoint-filters.js";
import { endpointsRoutes } from "./routes/endpoints.js";
import { erasuresRoutes } from "./routes/erasures.js";
import { eventTypesRoutes } from "./routes/event-types.js";
import { eventsRoutes } from "./routes/events.js";
import { organizationsRoutes } from "./routes/organizations.js";
import { portalSessionsRoutes } from "./routes/portal-sessions.js";
import { retentionRoutes } from "./routes/retention.js";
import { tasksRoutes } from "./routes/tasks.js";
import { awsCreateBody } from "./schemas/endpoints.js";

export interface AppOptions {
  /** Reports each part's health ("ok" or a short problem); default: DynamoDB reachability. */
  health?: () => Promise<Record<string, "ok" | string>>;
}

const healthBody = z
  .object({ status: z.enum(["ok", "degraded"]), checks: z.record(z.string(), z.string()) })
  .openapi("Health");

const healthRoute = createRoute({
  method: "get",
  path: "/health",
  operationId: "getHealth",
  description:
    "Answers 200 when every part of the service (DynamoDB, the queues, the pollers locally) is reachable and 503 with the failing part otherwise. Needs no API key.",
  tags: ["Health"],
  summary: "Liveness and reachability of the service's parts (no authentication)",
  security: [],
  responses: {
    200: { description: "Every part is reachable", content: { "application/json": { schema: healthBody } } },
    503: { description: "A part is unreachable", content: { "application/json": { schema: healthBody } } },
  },
});

/** Every tag an operation uses is declared here (Redocly's operation-tag-defined, in `npm run check`). */
const apiTags = [
  {
    name: "Webhook endpoints",
    description: "Where webhooks go: URLs, subscriptions, secrets, health, attempts, recovery.",
  },
  {
    name: "Agent webhooks",
    description: "The same endpoints, scoped to one agent_id (for clients written that way: docs/seeds.md).",
  },
  { name: "Events", description: "Publish events and follow their delivery to each endpoint." },
  {
    name: "Event types",
    description: "The catalog of event types, with optional JSON Schemas for their data.",
  },
  {
    name: "API keys",
    description: "Keys of the caller's organization, with roles admin, member and viewer.",
  },
  { name: "Organizations", description: "Tenants, managed by the platform organization's admins." },
  { name: "Portal sessions", description: "Scoped, expiring tokens for the embeddable customer portal." },
  {
    name: "Tasks",
    description: "Long work (replays, recovers, redrives) run in the background, followed by id.",
  },
  {
    name: "Data lifecycle",
    description:
      "How long payloads are kept (retention) and erasing them by data subject or by event (docs/data.md).",
  },
  { name: "Health", description: "Liveness of the service's parts." },
  {
    name: "Operational events",
    description:
      "Webhooks the service sends to the platform organization's endpoints about its customers' endpoints.",
  },
];

/** Either scheme authenticates a request (an OpenAPI list of alternatives). */
const apiSecurity: Record<string, string[]>[] = [{ bearerAuth: [] }, { apiKeyAuth: [] }];

/** The OpenAPI document at /openapi.json: security schemes, tags, and this deployment as server. */
function describeApi(app: OpenAPIHono<ApiEnv>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description:
      "An API key (`Authorization: Bearer sk_live_…` or `sk_test_…`) or a portal session token (`hrps_…`, limited to its capabilities)",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "apiKeyAuth", {
    type: "apiKey",
    in: "header",
    name: "X-API-Key",
    description: "The same API key in an `X-API-Key` header, for clients that send it there",
  });
  describeOperationalWebhooks(app);
  // CreateEndpoint names it (https | the AWS types); zod's union alone would flatten it away.
  app.openAPIRegistry.register("CreateAwsEndpoint", awsCreateBody);
  // `servers` is the origin the document was fetched from: each deployment describes itself.
  app.doc31("/openapi.json", (c) => ({
    openapi: "3.1.0",
    info: {
      title: "hookrelay",
      version: "1.0.0",
      description: "Webhook delivery: manage endpoints, publish events, inspect and recover deliveries.",
      license: { name: "MIT", identifier: "MIT" },
    },
    servers: [{ url: new URL(c.req.url).origin, description: "This deployment" }],
    tags: [...apiTags, ...profileTags],
    security: apiSecurity,
  }));
}

export function createApp(deps: ApiContext, options: AppOptions = {}): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  app.use("*", requestLogContext);

  // Under an API profile's paths, errors answer in that profile's shape (docs/seeds.md).
  app.onError((err, c) => profileAt(c.req.path)?.error(err, c) ?? toErrorResponse(err, c));
  app.notFound((c) => c.json(errorJson("not_found", `no route for ${c.req.method} ${c.req.path}`), 404));

  const health = options.health ?? (() => tableReadiness(deps));
  app.openapi(healthRoute, async (c) => {
    const checks = await health();
    const ok = Object.values(checks).every((v) => v === "ok");
    return ok
      ? c.json({ status: "ok" as const, checks }, 200)
      : c.json({ status: "degraded" as const, checks }, 503);
  });

  app.route("/", jwksRoutes(deps));
  app.route("/portal", portalPages(deps.config));
  const guard = [
    authMiddleware(deps),
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new ServiceError(413, "payload_too_large", "request body exceeds 1 MiB");
      },
    }),
    portalScopeMiddleware(deps),
  ];
  app.use("/v1/*", ...guard);

  app.route("/v1", endpointsRoutes(deps));
  app.route("/v1", endpointFilterRoutes(deps));
  app.route("/v1", agentWebhooksRoutes(deps));
  app.route("/v1", eventTypesRoutes(deps));
  app.route("/v1", apiKeysRoutes(deps));
  app.route("/v1", eventsRoutes(deps));
  app.route("/v1", deliveriesRoutes(deps));
  app.route("/v1", organizationsRoutes(deps));
  app.route("/v1", portalSessionsRoutes(deps));
  app.route("/v1", tasksRoutes(deps));
  app.route("/v1", dlqRoutes(deps));
  app.route("/v1", retentionRoutes(deps));
  app.route("/v1", erasuresRoutes(deps));
  mountProfiles(app, deps, guard);

  describeApi(app);
  app.route("/", docsRoutes());
  return app;
}
