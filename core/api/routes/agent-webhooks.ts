/**
 * /v1/agents/{agent_id}/webhooks: an agent's endpoints, for clients whose API scopes webhooks
 * by agent (docs/seeds.md). Same bodies and answers as /v1/webhook-endpoints; the endpoint's
 * `agent_id` is the path's, and creating one needs at least one event type.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Deps } from "../../deps.js";
import {
  createAgentEndpoint,
  deleteAgentEndpoint,
  getAgentEndpoint,
  listAgentEndpoints,
  updateAgentEndpoint,
} from "../../endpoints/agents.js";
import { AGENT_ID } from "../../model/limits.js";
import { requireRole } from "../auth.js";
import { errorResponses } from "../errors.js";
import { pageOf } from "../pagination.js";
import { createRouter, json, orgOf, originOf } from "../router.js";
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

const tags = ["Agent webhooks"];

const agentParam = z.object({
  agent_id: z
    .string()
    .min(1)
    .max(AGENT_ID.maxLength)
    .openapi({ param: { name: "agent_id", in: "path" }, example: "9fbef0b7-8d4e-4a08-9207-66c22155721d" }),
});
const oneParams = agentParam.extend(endpointIdParam.shape);

const list = createRoute({
  method: "get",
  path: "/agents/{agent_id}/webhooks",
  operationId: "listAgentWebhooks",
  description:
    "The organization's endpoints whose agent_id is this agent, oldest first, in one page (an organization has few endpoints). An agent without endpoints answers an empty list.",
  tags,
  summary: "List the agent's endpoints",
  middleware: [requireRole("viewer")] as const,
  request: { params: agentParam },
  responses: {
    200: { description: "The agent's endpoints", content: json(pageOf(endpointView)) },
    ...errorResponses(400, 403),
  },
});

const create = createRoute({
  method: "post",
  path: "/agents/{agent_id}/webhooks",
  operationId: "createAgentWebhook",
  description:
    "Creates an endpoint whose agent_id is the path's. Same body as POST /v1/webhook-endpoints, except that at least one event type (`events` or `event_types`) is required. The secret is returned only here.",
  tags,
  summary: "Create an endpoint for the agent",
  middleware: [requireRole("admin")] as const,
  request: { params: agentParam, body: { required: true, content: json(createEndpointBody) } },
  responses: {
    201: { description: "Created", content: json(endpointWithSecret) },
    ...errorResponses(400, 403, 413, 415),
  },
});

const get = createRoute({
  method: "get",
  path: "/agents/{agent_id}/webhooks/{id}",
  operationId: "getAgentWebhook",
  description: "One endpoint of this agent; an endpoint of another agent is 404 here.",
  tags,
  summary: "Get one of the agent's endpoints",
  middleware: [requireRole("viewer")] as const,
  request: { params: oneParams },
  responses: {
    200: { description: "The endpoint", content: json(endpointView) },
    ...errorResponses(403, 404),
  },
});

const updateRoute = (method: "patch" | "put") =>
  createRoute({
    method,
    path: "/agents/{agent_id}/webhooks/{id}",
    operationId: method === "put" ? "replaceAgentWebhook" : "updateAgentWebhook",
    description:
      "Changes only the fields given (PUT and PATCH alike), as PATCH /v1/webhook-endpoints/{id}; agent_id, if given, must be the path's.",
    tags,
    summary:
      method === "put"
        ? "Update one of the agent's endpoints (same as PATCH: only the given fields change)"
        : "Update one of the agent's endpoints",
    middleware: [requireRole("admin")] as const,
    request: { params: oneParams, body: { required: true, content: json(updateEndpointBody) } },
    responses: {
      200: { description: "The updated endpoint", content: json(endpointView) },
      ...errorResponses(400, 403, 404, 413, 415),
    },
  });

const remove = createRoute({
  method: "delete",
  path: "/agents/{agent_id}/webhooks/{id}",
  operationId: "deleteAgentWebhook",
  description: "Deletes one endpoint of this agent; deliveries stop and pending retries are abandoned.",
  tags,
  summary: "Delete one of the agent's endpoints",
  middleware: [requireRole("admin")] as const,
  request: { params: oneParams },
  responses: { 204: { description: "Deleted" }, ...errorResponses(403, 404) },
});

export function agentWebhooksRoutes(deps: Deps) {
  const app = createRouter();

  app.openapi(list, async (c) => {
    const eps = await listAgentEndpoints(deps, orgOf(c), c.req.valid("param").agent_id);
    const now = deps.now();
    return c.json({ data: eps.map((e) => toEndpointView(e, now, originOf(c))), next_cursor: null }, 200);
  });
  app.openapi(create, async (c) => {
    const input = toCreateInput(c.req.valid("json"));
    const { endpoint, secret } = await createAgentEndpoint(
      deps,
      orgOf(c),
      c.req.valid("param").agent_id,
      input,
    );
    return c.json({ ...toEndpointView(endpoint, deps.now(), originOf(c)), secret }, 201);
  });
  app.openapi(get, async (c) => {
    const p = c.req.valid("param");
    return c.json(
      toEndpointView(await getAgentEndpoint(deps, orgOf(c), p.agent_id, p.id), deps.now(), originOf(c)),
      200,
    );
  });
  for (const method of ["patch", "put"] as const) {
    app.openapi(updateRoute(method), async (c) => {
      const p = c.req.valid("param");
      const input = toUpdateInput(c.req.valid("json"));
      const rec = await updateAgentEndpoint(deps, orgOf(c), p.agent_id, p.id, input);
      return c.json(toEndpointView(rec, deps.now(), originOf(c)), 200);
    });
  }
  app.openapi(remove, async (c) => {
    const p = c.req.valid("param");
    await deleteAgentEndpoint(deps, orgOf(c), p.agent_id, p.id);
    return c.body(null, 204);
  });
  return app;
}
