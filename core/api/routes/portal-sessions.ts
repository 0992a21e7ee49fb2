/** /v1/portal-sessions: create (admin) and revoke customer-portal sessions; `current` for the portal itself. */

import { createSession, currentSession, revokeSession } from "../../portal/index.js";
import type { ApiContext } from "../context.js";
import { ok, routes } from "../route-spec.js";
import { createRouter } from "../router.js";
import {
  createPortalSessionBody,
  currentPortalSession,
  portalSession,
  portalSessionIdParam,
  revokeQuery,
} from "../schemas/portal-sessions.js";

const route = routes("Portal sessions");

const create = route.post("/portal-sessions", "admin", "createPortalSession", {
  request: { body: createPortalSessionBody },
  responses: ok(201, "Created", portalSession).errors(400, 403, 404, 413, 415, 503),
});

const revoke = route.delete("/portal-sessions/{id}", "admin", "revokePortalSession", {
  request: { params: portalSessionIdParam, query: revokeQuery },
  responses: ok(204, "Revoked").errors(403, 404),
});

const current = route.get("/portal-sessions/current", "viewer", "getCurrentPortalSession", {
  responses: ok(200, "The session", currentPortalSession).errors(403, 404),
});

export function portalSessionsRoutes(deps: ApiContext) {
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
