/**
 * Payload filters and signing keys beyond the endpoint object itself (docs/filters.md,
 * docs/receiving.md): trying a filter on events, and the public JWK Set of a `v1a`
 * endpoint (mounted outside /v1: receivers fetch it without an API key).
 */
import { z } from "@hono/zod-openapi";
import { jwksOf, RECENT, requireEndpoint, testFilter } from "../../endpoints/index.js";
import { agentId, eventTypeString, MAX_ID_LENGTH, MAX_PRODUCER_ID_LENGTH } from "../../model/index.js";
import type { ApiContext } from "../context.js";
import { ok, routes } from "../route-spec.js";
import { createRouter, orgOf } from "../router.js";
import { endpointIdParam } from "../schemas/endpoints.js";
import { pathId } from "../schemas/params.js";

const filterTestBody = z
  .strictObject({
    filter: z
      .unknown()
      .optional()
      .openapi({
        type: ["object", "null"],
        description: "A candidate filter to try instead of the endpoint's own (null: no filter)",
        example: { data: { amount: { $gte: 100 } } },
      }),
    event: z
      .strictObject({
        id: z.string().max(MAX_PRODUCER_ID_LENGTH).optional(),
        type: eventTypeString,
        agent_id: agentId.nullable().optional(),
        timestamp: z.string().max(MAX_ID_LENGTH).optional(),
        data: z.record(z.string(), z.unknown()),
      })
      .optional()
      .openapi({
        description:
          "A sample event; without it, the organization's most recent events are tried. Its `data` is held to a published event's size limit (413)",
      }),
    recent: z
      .number()
      .int()
      .min(1)
      .max(RECENT.max)
      .optional()
      .openapi({
        description: `How many of the most recent events to try (default ${RECENT.default})`,
      }),
  })
  .openapi("FilterTest", {
    example: {
      filter: { data: { amount: { $gte: 100 } } },
      event: { type: "billing.invoice.paid", data: { amount: 250 } },
    },
  });

const filterTestResult = z
  .object({
    filter: z.record(z.string(), z.unknown()).nullable(),
    tested: z.number().int(),
    matched: z.number().int(),
    results: z.array(
      z.object({
        event_id: z.string().nullable(),
        type: z.string(),
        subscribed: z.boolean().openapi({ description: "The endpoint's event types and agent select it" }),
        matches: z.boolean().openapi({ description: "The filter lets it through" }),
        budget_exceeded: z.literal(true).optional().openapi({
          description:
            "Present when the filter ran out of its work budget on this event (docs/filters.md): at fan-out the endpoint's delivery would be skipped, recorded with reason filter_budget_exceeded",
        }),
      }),
    ),
  })
  .openapi("FilterTestResult");

const route = routes("Webhook endpoints");

const tested = ok(200, "Which events the filter lets through", filterTestResult);
const testRoute = route.post("/webhook-endpoints/{id}/filter/test", "viewer", "testEndpointFilter", {
  request: { params: endpointIdParam, body: filterTestBody },
  responses: tested.errors(400, 403, 404, 413, 415),
});

export function endpointFilterRoutes(deps: ApiContext) {
  const app = createRouter();
  app.openapi(testRoute, async (c) => {
    const body = c.req.valid("json");
    const result = await testFilter(deps, orgOf(c), c.req.valid("param").id, body);
    return c.json(result, 200);
  });
  return app;
}

const jwk = z.object({
  kty: z.literal("OKP"),
  crv: z.literal("Ed25519"),
  x: z.string().openapi({ description: "The public key, base64url (RFC 8037)" }),
  kid: z.string().openapi({ description: "RFC 7638 thumbprint of the key" }),
  use: z.literal("sig"),
  alg: z.literal("EdDSA"),
});

const jwks = z.object({ keys: z.array(jwk) }).openapi("Jwks");

const jwksRoute = route.get("/jwks/{org_id}/{endpoint_id}", "public", "getEndpointJwks", {
  request: { params: pathId(undefined, "org_id").extend(pathId(undefined, "endpoint_id").shape) },
  responses: ok(200, "RFC 7517 JWK Set", jwks).errors(404),
});

/** Public: mounted at the root, outside the API key middleware. */
export function jwksRoutes(deps: ApiContext) {
  const app = createRouter();
  app.openapi(jwksRoute, async (c) => {
    const { org_id, endpoint_id } = c.req.valid("param");
    const ep = await requireEndpoint(deps, org_id, endpoint_id);
    c.header("cache-control", "public, max-age=300");
    return c.json(jwksOf(ep, deps.now()), 200);
  });
  return app;
}
