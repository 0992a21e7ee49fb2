/**
 * /v1/agents/{agent_id}/webhooks: an agent's endpoints, for clients whose API scopes webhooks
 * by agent (docs/seeds.md). The same routes as /v1/webhook-endpoints (endpoint-crud.ts), PUT
 * as well as PATCH; the endpoint's `agent_id` is the path's, and creating one needs at least
 * one event type.
 */
import { z } from "@hono/zod-openapi";
import { listAgentEndpoints } from "../../endpoints/index.js";
import { AGENT_ID } from "../../model/index.js";
import type { ApiContext } from "../context.js";
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

const agentEndpoints: EndpointCollection = {
  tag: "Agent webhooks",
  path: "/agents/{agent_id}/webhooks",
  params: agentParam,
  ops: {
    create: "createAgentWebhook",
    get: "getAgentWebhook",
    update: "updateAgentWebhook",
    replace: "replaceAgentWebhook",
    remove: "deleteAgentWebhook",
  },
};

const list = routes(agentEndpoints.tag).get("/agents/{agent_id}/webhooks", "viewer", "listAgentWebhooks", {
  request: { params: agentParam },
  responses: ok(200, "The agent's endpoints", pageOf(endpointView)).errors(400, 403),
});

export function agentWebhooksRoutes(deps: ApiContext) {
  const app = createRouter();
  app.openapi(list, async (c) => {
    const eps = await listAgentEndpoints(deps, orgOf(c), c.req.valid("param").agent_id);
    return c.json({ data: eps.map(endpointViewer(deps, c)), next_cursor: null }, 200);
  });
  return endpointCrudRoutes(deps, agentEndpoints, app);
}
