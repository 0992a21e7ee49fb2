/**
 * What /v1/webhook-endpoints and /v1/agents/{agent_id}/webhooks share, defined once: create,
 * get, update (PATCH, and PUT where the collection names it) and delete one endpoint, with the
 * same bodies, answers and roles. Each collection brings its path, tag and operationIds (and its
 * own list route); a path's `agent_id` scopes every call to that agent's endpoints
 * (`endpointsOf` in core/endpoints/agents.ts), where another agent's endpoint is not found, like
 * another tenant's.
 */

import type { Context } from "hono";
import type { ZodObject } from "zod";
import { endpointsOf } from "../../endpoints/index.js";
import type { EndpointRecord } from "../../model/index.js";
import { scopeEndpointInput } from "../../portal/index.js";
import type { ApiContext } from "../context.js";
import type { ApiEnv } from "../env.js";
import { type OperationId, ok, routes } from "../route-spec.js";
import { createRouter, headersShownTo } from "../router.js";
import {
  createEndpointBody,
  endpointIdParam,
  endpointView,
  endpointWithSecret,
  toCreateInput,
  toEndpointView,
  toUpdateInput,
  updateEndpointBody,
} from "../schemas/endpoints.js";

export interface EndpointCollection {
  tag: string;
  /** The collection's path; one endpoint is `{path}/{id}`. */
  path: string;
  /** The collection path's own parameters (the agent's id), if it has any. */
  params?: ZodObject;
  /** The operationIds of its routes (`replace`: PUT as well as PATCH). */
  ops: {
    create: OperationId;
    get: OperationId;
    update: OperationId;
    remove: OperationId;
    replace?: OperationId;
  };
}

/**
 * `toEndpointView` for the endpoints one request reads: one clock reading, the origin the
 * request came to (it makes a v1a endpoint's `jwks_url` absolute), and whether the caller may
 * read credential headers (else they are redacted).
 */
export function endpointViewer(deps: ApiContext, c: Context<ApiEnv>) {
  const now = deps.now();
  const origin = new URL(c.req.url).origin;
  const shownHeaders = headersShownTo(c);
  return (rec: EndpointRecord) => toEndpointView(rec, now, origin, shownHeaders, deps.config.destinations);
}

function endpointCrudSpecs(at: EndpointCollection) {
  const route = routes(at.tag);
  const one = `${at.path}/{id}`;
  const params = at.params ? at.params.extend(endpointIdParam.shape) : endpointIdParam;
  const update = {
    request: { params, body: updateEndpointBody },
    responses: ok(200, "The updated endpoint", endpointView).errors(400, 403, 404, 413, 415),
  };
  return {
    create: route.post(at.path, "admin", at.ops.create, {
      request: { params: at.params, body: createEndpointBody },
      responses: ok(201, "Created", endpointWithSecret).errors(400, 403, 413, 415),
    }),
    get: route.get(one, "viewer", at.ops.get, {
      request: { params },
      responses: ok(200, "The endpoint", endpointView).errors(403, 404),
    }),
    update: route.patch(one, "admin", at.ops.update, update),
    replace: at.ops.replace && route.put(one, "admin", at.ops.replace, update),
    remove: route.delete(one, "admin", at.ops.remove, {
      request: { params },
      responses: ok(204, "Deleted").errors(403, 404),
    }),
  };
}

/** The create, get, update and delete routes of one endpoint collection, added to `app`. */
export function endpointCrudRoutes(deps: ApiContext, at: EndpointCollection, app = createRouter()) {
  const spec = endpointCrudSpecs(at);
  // Portal sessions: endpoint bodies are pinned to the session's agent and event types.
  app.openapi(spec.create, async (c) => {
    const input = scopeEndpointInput(c.get("principal").portal, toCreateInput(c.req.valid("json")), true);
    const { endpoint, secret } = await endpointsOf(deps, c.get("principal"), c.req.param("agent_id")).create(
      input,
    );
    return c.json({ ...endpointViewer(deps, c)(endpoint), secret }, 201);
  });
  app.openapi(spec.get, async (c) => {
    const rec = await endpointsOf(deps, c.get("principal"), c.req.param("agent_id")).get(
      c.req.valid("param").id,
    );
    return c.json(endpointViewer(deps, c)(rec), 200);
  });
  for (const route of [spec.update, spec.replace]) {
    if (!route) continue;
    app.openapi(route, async (c) => {
      const input = scopeEndpointInput(c.get("principal").portal, toUpdateInput(c.req.valid("json")), false);
      const rec = await endpointsOf(deps, c.get("principal"), c.req.param("agent_id")).update(
        c.req.valid("param").id,
        input,
      );
      return c.json(endpointViewer(deps, c)(rec), 200);
    });
  }
  app.openapi(spec.remove, async (c) => {
    await endpointsOf(deps, c.get("principal"), c.req.param("agent_id")).remove(c.req.valid("param").id);
    return c.body(null, 204);
  });
  return app;
}
