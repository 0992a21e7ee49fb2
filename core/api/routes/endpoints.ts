/** /v1/webhook-endpoints: manage an organization's endpoints (reads: any role; writes: admin). */
import { createRoute } from "@hono/zod-openapi";
import type { Deps } from "../../deps.js";
import { readSecrets } from "../../endpoints/secret-read.js";
import {
  createEndpoint,
  deleteEndpoint,
  listEndpoints,
  requireEndpoint,
  rotateSecret,
  updateEndpoint,
} from "../../endpoints/service.js";
import { scopeEndpointInput } from "../../portal/scope.js";
import { requireRole } from "../auth.js";
import { errorResponses } from "../errors.js";
import { emptyBodyAsObject } from "../optional-body.js";
import { decodeCursor, encodeCursor, pageOf, paginationQuery } from "../pagination.js";
import { createRouter, json, orgOf, originOf } from "../router.js";
import {
  createEndpointBody,
  endpointIdParam,
  endpointSecret,
  endpointView,
  endpointWithSecret,
  rotateSecretBody,
  toCreateInput,
  toEndpointView,
  toUpdateInput,
  updateEndpointBody,
} from "../schemas/endpoints.js";

const tags = ["Webhook endpoints"];

const create = createRoute({
  method: "post",
  path: "/webhook-endpoints",
  operationId: "createEndpoint",
  description:
    "Registers a URL to receive webhooks. Only `url` is required: `max_retries` defaults to 5, `timeout_ms` to 10000, `event_types` to every type. The response carries the signing secret (`whsec_…`), the only time it is shown. Admin role.",
  tags,
  summary: "Create an endpoint (its secret is returned only in this response)",
  middleware: [requireRole("admin")] as const,
  request: { body: { required: true, content: json(createEndpointBody) } },
  responses: {
    201: { description: "Created", content: json(endpointWithSecret) },
    ...errorResponses(400, 403, 413, 415),
  },
});

const list = createRoute({
  method: "get",
  path: "/webhook-endpoints",
  operationId: "listEndpoints",
  description:
    "The organization's endpoints, oldest first, cursor-paginated (`limit`, `cursor`). Never includes secrets, only `secret_hint`.",
  tags,
  summary: "List endpoints, oldest first",
  middleware: [requireRole("viewer")] as const,
  request: { query: paginationQuery },
  responses: {
    200: { description: "A page of endpoints", content: json(pageOf(endpointView)) },
    ...errorResponses(400, 403),
  },
});

const get = createRoute({
  method: "get",
  path: "/webhook-endpoints/{id}",
  operationId: "getEndpoint",
  description:
    "One endpoint, with its delivery health (`consecutive_failures`, `failing_since`, `last_error`). Another organization's ids answer 404.",
  tags,
  summary: "Get an endpoint",
  middleware: [requireRole("viewer")] as const,
  request: { params: endpointIdParam },
  responses: {
    200: { description: "The endpoint", content: json(endpointView) },
    ...errorResponses(403, 404),
  },
});

const update = createRoute({
  method: "patch",
  path: "/webhook-endpoints/{id}",
  operationId: "updateEndpoint",
  description:
    "Changes the fields given; omitted fields keep their current value. `status: active` re-enables a disabled or failing endpoint and resets its failure tracking; `failing` is set only by the service. Admin role.",
  tags,
  summary: "Update an endpoint (status active or disabled; failing is set only by the service)",
  middleware: [requireRole("admin")] as const,
  request: { params: endpointIdParam, body: { required: true, content: json(updateEndpointBody) } },
  responses: {
    200: { description: "The updated endpoint", content: json(endpointView) },
    ...errorResponses(400, 403, 404, 413, 415),
  },
});

const remove = createRoute({
  method: "delete",
  path: "/webhook-endpoints/{id}",
  operationId: "deleteEndpoint",
  description:
    "Deletes the endpoint: no new deliveries, and its pending retries are recorded `abandoned`. Admin role.",
  tags,
  summary: "Delete an endpoint; delivery stops and pending retries are abandoned",
  middleware: [requireRole("admin")] as const,
  request: { params: endpointIdParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses(403, 404) },
});

const rotate = createRoute({
  method: "post",
  path: "/webhook-endpoints/{id}/rotate-secret",
  operationId: "rotateEndpointSecret",
  description:
    "Generates a new signing secret, returned once. The previous secret keeps signing alongside it (a second `v1,` signature) for the grace period (24 h by default), so receivers can switch without missing a delivery. Admin role.",
  tags,
  summary:
    "Rotate the signing secret or switch signing_version (a new v1 secret is returned once; the old key signs too during the grace period)",
  middleware: [requireRole("admin"), emptyBodyAsObject] as const,
  request: {
    params: endpointIdParam,
    body: { required: false, content: json(rotateSecretBody) },
  },
  responses: {
    200: { description: "The endpoint with its new secret", content: json(endpointWithSecret) },
    ...errorResponses(400, 403, 404),
  },
});

const reveal = createRoute({
  method: "get",
  path: "/webhook-endpoints/{id}/secret",
  operationId: "getEndpointSecret",
  description:
    "Returns the endpoint's current signing secret, and the previous one while a rotation's grace lasts. " +
    "Only admins, and portal sessions created with the reveal_secret capability, may call it. Every read " +
    "is logged without the secret. Answers 403 `secret_retrieval_disabled` where the deployment sets " +
    "ALLOW_SECRET_RETRIEVAL=false, and 409 `private_key_not_revealed` for a v1a (ed25519) endpoint.",
  tags,
  summary: "Read the signing secret",
  middleware: [requireRole("admin")] as const,
  request: { params: endpointIdParam },
  responses: {
    200: { description: "The secret", content: json(endpointSecret) },
    ...errorResponses(403, 404, 409),
  },
});

export function endpointsRoutes(deps: Deps) {
  const app = createRouter();
  // Portal sessions: endpoint bodies are pinned to the session's agent and event types.

  app.openapi(create, async (c) => {
    const input = scopeEndpointInput(c.get("principal").portal, toCreateInput(c.req.valid("json")), true);
    const { endpoint, secret } = await createEndpoint(deps, orgOf(c), input);
    return c.json({ ...toEndpointView(endpoint, deps.now(), originOf(c)), secret }, 201);
  });
  app.openapi(list, async (c) => {
    const q = c.req.valid("query");
    const page = await listEndpoints(deps, orgOf(c), q.limit, decodeCursor(q.cursor));
    const now = deps.now();
    return c.json(
      {
        data: page.endpoints.map((e) => toEndpointView(e, now, originOf(c))),
        next_cursor: encodeCursor(page.last),
      },
      200,
    );
  });
  app.openapi(get, async (c) => {
    const rec = await requireEndpoint(deps, orgOf(c), c.req.valid("param").id);
    return c.json(toEndpointView(rec, deps.now(), originOf(c)), 200);
  });
  app.openapi(update, async (c) => {
    const input = scopeEndpointInput(c.get("principal").portal, toUpdateInput(c.req.valid("json")), false);
    const rec = await updateEndpoint(deps, orgOf(c), c.req.valid("param").id, input);
    return c.json(toEndpointView(rec, deps.now(), originOf(c)), 200);
  });
  app.openapi(remove, async (c) => {
    await deleteEndpoint(deps, orgOf(c), c.req.valid("param").id);
    return c.body(null, 204);
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
    return c.json({ ...toEndpointView(endpoint, deps.now(), originOf(c)), secret }, 200);
  });
  return app;
}
