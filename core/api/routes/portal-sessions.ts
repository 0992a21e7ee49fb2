/** /v1/portal-sessions: create (admin) and revoke customer-portal sessions; `current` for the portal itself. */
import { createRoute } from "@hono/zod-openapi";
import type { Deps } from "../../deps.js";
import { createSession, currentSession, revokeSession } from "../../portal/sessions.js";
import { requireRole } from "../auth.js";
import { errorResponses } from "../errors.js";
import { createRouter, json } from "../router.js";
import {
  createPortalSessionBody,
  currentPortalSession,
  portalSession,
  portalSessionIdParam,
  revokeQuery,
} from "../schemas/portal-sessions.js";

const tags = ["Portal sessions"];

const create = createRoute({
  method: "post",
  path: "/portal-sessions",
  operationId: "createPortalSession",
  description:
    "Creates a session for the embeddable customer portal: a scoped token that expires, and the portal URL to hand to one of your customers. The session sees only what its capabilities allow. Admin role; 503 when the portal is not configured.",
  tags,
  summary: "Create a customer-portal session (a scoped, expiring token and the portal URL)",
  middleware: [requireRole("admin")] as const,
  request: { body: { required: true, content: json(createPortalSessionBody) } },
  responses: {
    201: { description: "Created", content: json(portalSession) },
    ...errorResponses(400, 403, 404, 413, 415, 503),
  },
});

const revoke = createRoute({
  method: "delete",
  path: "/portal-sessions/{id}",
  operationId: "revokePortalSession",
  description: "Revokes a portal session: its token stops working at once. Admin role.",
  tags,
  summary: "Revoke a portal session (its token stops working at once)",
  middleware: [requireRole("admin")] as const,
  request: { params: portalSessionIdParam, query: revokeQuery },
  responses: { 204: { description: "Revoked" }, ...errorResponses(403, 404) },
});

const current = createRoute({
  method: "get",
  path: "/portal-sessions/current",
  operationId: "getCurrentPortalSession",
  description:
    "What the caller may do: a portal session's capabilities and scope, or what an API key's role allows. The portal calls it first.",
  tags,
  summary: "The caller's scope: a portal session's capabilities, or what an API key's role allows",
  middleware: [requireRole("viewer")] as const,
  responses: {
    200: { description: "The session", content: json(currentPortalSession) },
    ...errorResponses(403, 404),
  },
});

export function portalSessionsRoutes(deps: Deps) {
  const app = createRouter();
  app.openapi(create, async (c) => {
    const body = c.req.valid("json");
    const base = `${new URL(c.req.url).origin}/portal`;
    const session = await createSession(deps, c.get("principal"), body, base);
    return c.json(session, 201);
  });
  app.openapi(current, async (c) => {
    return c.json(await currentSession(deps, c.get("principal")), 200);
  });
  app.openapi(revoke, async (c) => {
    await revokeSession(deps, c.get("principal"), c.req.valid("param").id, c.req.valid("query").org_id);
    return c.body(null, 204);
  });
  return app;
}
