/**
 * /v1/agents/{agent_id}/webhooks: an agent's endpoints, for clients whose API scopes webhooks
 * by agent (docs/seeds.md). The same routes as /v1/webhook-endpoints (endpoint-crud.ts), PUT
 * as well as PATCH; the endpoint's `agent_id` is the path's, and creating one needs at least
 * one event type.
 */
import { z } from "@hono/zod-openapi";
import type { Deps } from "../../deps.js";
import { listAgentEndpoints } from "../../endpoints/agents.js";
import { AGENT_ID } from "../../model/limits.js";
import { pageOf } from "../pagination.js";
import { ok, routes } from "../route-spec.js";
import { createRouter, orgOf } from "../router.js";
import { endpointView } from "../schemas/endpoints.js";
import { type EndpointCollection, endpointCrudRoutes, endpointViewer } from "./endpoint-crud.js";

const agentParam = z.object({
  agent_id: z
    .string()
    .min(1)
    .max(AGENT_ID.maxLength)
    .openapi({ param: { name: "agent_id", in: "path" }, example: "9fbef0b7-8d4e-4a08-9207-66c22155721d" }),
});

const update = {
  description:
    "Changes only the fields given (PUT and PATCH alike), as PATCH /v1/webhook-endpoints/{id}; agent_id, if given, must be the path's.",
};

const agentEndpoints: EndpointCollection = {
  tag: "Agent webhooks",
  path: "/agents/{agent_id}/webhooks",
  params: agentParam,
  text: {
    create: {
      operationId: "createAgentWebhook",
      summary: "Create an endpoint for the agent",
      description:
        "Creates an endpoint whose agent_id is the path's. Same body as POST /v1/webhook-endpoints, except that at least one event type (`events` or `event_types`) is required. The secret is returned only here.",
    },
    get: {
      operationId: "getAgentWebhook",
      summary: "Get one of the agent's endpoints",
      description: "One endpoint of this agent; an endpoint of another agent is 404 here.",
    },
    update: { ...update, operationId: "updateAgentWebhook", summary: "Update one of the agent's endpoints" },
    replace: {
      ...update,
      operationId: "replaceAgentWebhook",
      summary: "Update one of the agent's endpoints (same as PATCH: only the given fields change)",
    },
    remove: {
      operationId: "deleteAgentWebhook",
      summary: "Delete one of the agent's endpoints",
      description: "Deletes one endpoint of this agent; deliveries stop and pending retries are abandoned.",
    },
  },
};

const list = routes(agentEndpoints.tag).get("/agents/{agent_id}/webhooks", "viewer", "listAgentWebhooks", {
  summary: "List the agent's endpoints",
  description:
    "The organization's endpoints whose agent_id is this agent, oldest first, in one page (an organization has few endpoints). An agent without endpoints answers an empty list.",
  request: { params: agentParam },
  responses: ok(200, "The agent's endpoints", pageOf(endpointView)).errors(400, 403),
});

export function agentWebhooksRoutes(deps: Deps) {
  const app = createRouter();
  app.openapi(list, async (c) => {
    const eps = await listAgentEndpoints(deps, orgOf(c), c.req.valid("param").agent_id);
    return c.json({ data: eps.map(endpointViewer(deps, c)), next_cursor: null }, 200);
  });
  return endpointCrudRoutes(deps, agentEndpoints, app);
}
