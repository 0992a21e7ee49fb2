/**
 * /v1/retention: how long the organization's events keep their payload (docs/data.md). Each
 * event shows its own `expires_at`; event types may set their own retention when created.
 */

import { getRetention, type RetentionView, setRetention } from "../../orgs/index.js";
import type { ApiContext } from "../context.js";
import { ok, routes } from "../route-spec.js";
import { createRouter, orgOf, typeScope } from "../router.js";
import { retentionView, setRetentionBody } from "../schemas/retention.js";

const route = routes("Data lifecycle");

const get = route.get("/retention", "viewer", "getRetention", {
  responses: ok(200, "The retention", retentionView).errors(403),
});

const put = route.put("/retention", "admin", "setRetention", {
  request: { body: setRetentionBody },
  responses: ok(200, "The retention as it now is", retentionView).errors(400, 403, 404, 413, 415),
});

/** A type-scoped portal session sees only its own types' retention. */
function scoped(view: RetentionView, scope: { eventTypes?: readonly string[] }): RetentionView {
  const types = scope.eventTypes;
  return types ? { ...view, event_types: view.event_types.filter((t) => types.includes(t.name)) } : view;
}

export function retentionRoutes(deps: ApiContext) {
  const app = createRouter();
  app.openapi(get, async (c) => c.json(scoped(await getRetention(deps, orgOf(c)), typeScope(c)), 200));
  app.openapi(put, async (c) => c.json(await setRetention(deps, orgOf(c), c.req.valid("json").days), 200));
  return app;
}
