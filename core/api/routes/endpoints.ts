/**
 * /v1/webhook-endpoints: manage an organization's endpoints (reads: any role; writes: admin).
 * Create, get, update and delete are defined once for this path and the agent's
 * (endpoint-crud.ts); the list, secret rotation and secret read are this path's own.
 */
import type { Deps } from "../../deps.js";
import { readSecrets } from "../../endpoints/secret-read.js";
import { listEndpoints, rotateSecret } from "../../endpoints/service.js";
import { emptyBodyAsObject } from "../optional-body.js";
import { pageBody, pageOf, pageQuery, paginationQuery } from "../pagination.js";
import { ok, routes } from "../route-spec.js";
import { orgOf } from "../router.js";
import {
  endpointIdParam,
  endpointSecret,
  endpointView,
  endpointWithSecret,
  rotateSecretBody,
} from "../schemas/endpoints.js";
import { type EndpointCollection, endpointCrudRoutes, endpointViewer } from "./endpoint-crud.js";

const orgEndpoints: EndpointCollection = {
  tag: "Webhook endpoints",
  path: "/webhook-endpoints",
  text: {
    create: {
      operationId: "createEndpoint",
      summary: "Create an endpoint (its secret is returned only in this response)",
      description:
        "Registers a URL to receive webhooks. Only `url` is required: `max_retries` defaults to 5, `timeout_ms` to 10000, `event_types` to every type. The response carries the signing secret (`whsec_…`), the only time it is shown. Admin role.",
    },
    get: {
      operationId: "getEndpoint",
      summary: "Get an endpoint",
      description:
        "One endpoint, with its delivery health (`consecutive_failures`, `failing_since`, `last_error`). Another organization's ids answer 404.",
    },
    update: {
      operationId: "updateEndpoint",
      summary: "Update an endpoint (status active or disabled; failing is set only by the service)",
      description:
        "Changes the fields given; omitted fields keep their current value. `status: active` re-enables a disabled or failing endpoint and resets its failure tracking; `failing` is set only by the service. Admin role.",
    },
    remove: {
      operationId: "deleteEndpoint",
      summary: "Delete an endpoint; delivery stops and pending retries are abandoned",
      description:
        "Deletes the endpoint: no new deliveries, and its pending retries are recorded `abandoned`. Admin role.",
    },
  },
};

const route = routes(orgEndpoints.tag);

const list = route.get("/webhook-endpoints", "viewer", "listEndpoints", {
  summary: "List endpoints, oldest first",
  description:
    "The organization's endpoints, oldest first, cursor-paginated (`limit`, `cursor`). Never includes secrets, only `secret_hint`.",
  request: { query: paginationQuery },
  responses: ok(200, "A page of endpoints", pageOf(endpointView)).errors(400, 403),
});

const rotate = route.post("/webhook-endpoints/{id}/rotate-secret", "admin", "rotateEndpointSecret", {
  summary:
    "Rotate the signing secret or switch signing_version (a new v1 secret is returned once; the old key signs too during the grace period)",
  description:
    "Generates a new signing secret, returned once. The previous secret keeps signing alongside it (a second `v1,` signature) for the grace period (24 h by default), so receivers can switch without missing a delivery. Admin role.",
  use: [emptyBodyAsObject],
  request: { params: endpointIdParam, optionalBody: rotateSecretBody },
  responses: ok(200, "The endpoint with its new secret", endpointWithSecret).errors(400, 403, 404),
});

const reveal = route.get("/webhook-endpoints/{id}/secret", "admin", "getEndpointSecret", {
  summary: "Read the signing secret",
  description:
    "Returns the endpoint's current signing secret, and the previous one while a rotation's grace lasts. " +
    "Only admins, and portal sessions created with the reveal_secret capability, may call it. Every read " +
    "is logged without the secret. Answers 403 `secret_retrieval_disabled` where the deployment sets " +
    "ALLOW_SECRET_RETRIEVAL=false, and 409 `private_key_not_revealed` for a v1a (ed25519) endpoint.",
  request: { params: endpointIdParam },
  responses: ok(200, "The secret", endpointSecret).errors(403, 404, 409),
});

export function endpointsRoutes(deps: Deps) {
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
