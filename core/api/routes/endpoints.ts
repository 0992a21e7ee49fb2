/**
 * /v1/webhook-endpoints: manage an organization's endpoints (reads: any role; writes: admin).
 * Create, get, update and delete are defined once for this path and the agent's
 * (endpoint-crud.ts); the list, secret rotation and secret read are this path's own.
 */

import { listEndpoints, readSecrets, rotateSecret } from "../../endpoints/index.js";
import type { ApiContext } from "../context.js";
import { pageBody, pageOf, pageQuery, paginationQuery } from "../pagination.js";
import { ok, routes } from "../route-spec.js";
import { orgOf } from "../router.js";
import { endpointSecret } from "../schemas/endpoint-secret.js";
import { endpointIdParam, endpointView, endpointWithSecret, rotateSecretBody } from "../schemas/endpoints.js";
import { type EndpointCollection, endpointCrudRoutes, endpointViewer } from "./endpoint-crud.js";

const orgEndpoints: EndpointCollection = {
  tag: "Webhook endpoints",
  path: "/webhook-endpoints",
  ops: { create: "createEndpoint", get: "getEndpoint", update: "updateEndpoint", remove: "deleteEndpoint" },
};

const route = routes(orgEndpoints.tag);

const list = route.get("/webhook-endpoints", "viewer", "listEndpoints", {
  request: { query: paginationQuery },
  responses: ok(200, "A page of endpoints", pageOf(endpointView)).errors(400, 403),
});

const rotate = route.post("/webhook-endpoints/{id}/rotate-secret", "admin", "rotateEndpointSecret", {
  request: { params: endpointIdParam, optionalBody: rotateSecretBody },
  responses: ok(200, "The endpoint with its new secret", endpointWithSecret).errors(400, 403, 404, 409),
});

const reveal = route.get("/webhook-endpoints/{id}/secret", "admin", "getEndpointSecret", {
  request: { params: endpointIdParam },
  responses: ok(200, "The secret", endpointSecret).errors(403, 404, 409),
});

export function endpointsRoutes(deps: ApiContext) {
  const app = endpointCrudRoutes(deps, orgEndpoints);
  app.openapi(list, async (c) => {
    const { limit, cursor } = pageQuery(c.req.valid("query"));
    const page = await listEndpoints(deps, orgOf(c), limit, cursor);
    return c.json(pageBody(page.endpoints.map(endpointViewer(deps, c)), page.last), 200);
  });
  app.openapi(reveal, async (c) => {
    return c.json(await readSecrets(deps, c.get("principal"), c.req.valid("param").id), 200);
  });
  app.openapi(rotate, async (c) => {
    const body = c.req.valid("json") as { signing_version?: "v1" | "v1a" } | undefined;
    const { endpoint, secret } = await rotateSecret(
      deps,
      orgOf(c),
      c.req.valid("param").id,
      body?.signing_version,
    );
    return c.json({ ...endpointViewer(deps, c)(endpoint), secret }, 200);
  });
  return app;
}
