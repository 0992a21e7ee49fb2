/**
 * Seed 004: `POST /v1/webhooks/endpoints` as its page documents it (a FastAPI service): the
 * key as `X-API-Key` (or Bearer), 200 `{"endpoint": {…}, "secret"}` with `user_id` an integer,
 * `event_patterns` / `timeout_seconds` / `max_retries` with the page's bounds and defaults,
 * and 422 `{"detail": [{loc, msg, type}]}`. Also the read and delete of one endpoint and the
 * list, in the same terms. docs/seeds.md.
 */
import { z } from "@hono/zod-openapi";
import { endpointKeys, type HandledEndpoint } from "../../endpoints/index.js";
import { eventTypeList, MAX_DESCRIPTION_LENGTH, MAX_URL_LENGTH } from "../../model/index.js";
import type { ApiContext } from "../context.js";
import { json } from "../router.js";
import { pathId } from "../schemas/params.js";
import { profileEndpoints } from "./endpoints.js";
import { detailBody, fastApiError, validationErrorBody } from "./fastapi-errors.js";
import { type ApiProfile, answer, profileRoute, profileRouter } from "./kit.js";

const TAG = "Seed 004: /v1/webhooks/endpoints";
const PATH = "/v1/webhooks/endpoints";

const createBody = z
  .strictObject({
    url: z.string().min(1).max(MAX_URL_LENGTH),
    description: z.string().max(MAX_DESCRIPTION_LENGTH).nullable().optional(),
    event_patterns: eventTypeList.nullable().optional().openapi({
      description: "Exact event types or patterns (`prefix.*`, `*`); null or omitted = every type",
    }),
    timeout_seconds: z.number().int().min(3).max(60).optional().openapi({ description: "3–60, default 10" }),
    max_retries: z.number().int().min(1).max(7).optional().openapi({ description: "1–7, default 7" }),
  })
  .openapi("WebhookEndpointCreateRequest", {
    example: {
      url: "https://example.com/hooks",
      event_patterns: ["telephony.*"],
      timeout_seconds: 10,
      max_retries: 7,
    },
  });

const ts = z.string().openapi({ format: "date-time" });
const endpoint = z
  .object({
    id: z.string(),
    user_id: z
      .number()
      .int()
      .openapi({ description: "The organization's number (keys belong to organizations)" }),
    url: z.string(),
    description: z.string().nullable(),
    status: z.string().openapi({ description: "active, disabled or failing" }),
    enabled: z.boolean(),
    subscribed_event_patterns: z.array(z.string()),
    signing_version: z.string(),
    secret_hint: z.string().nullable(),
    timeout_seconds: z.number().int(),
    max_retries: z.number().int(),
    consecutive_failures: z.number().int(),
    last_verified_at: ts.nullable(),
    last_delivery_at: ts.nullable(),
    last_error: z.string().nullable(),
    created_at: ts,
    updated_at: ts,
  })
  .openapi("WebhookEndpointResponse");

const errors = {
  401: answer("Missing or invalid API key", detailBody),
  403: answer("The key's role may not do this", detailBody),
  422: answer("Validation Error", validationErrorBody),
};
const idParam = pathId("ep_01JQ3Z7Y8K4M2N6P9R1S3T5V7W");

const routes = {
  create: profileRoute(TAG, "admin", {
    method: "post",
    path: PATH,
    operationId: "seedFourCreateEndpoint",
    summary: "Create Endpoint",
    description:
      "As the page's `POST /v1/webhooks/endpoints`: 200 `{endpoint, secret}`; the secret (`whsec_…`) is shown only here. 400 `{detail}` for a URL that is not HTTPS, unknown event types or the organization's 20th endpoint.",
    request: { body: { required: true, content: json(createBody) } },
    responses: {
      200: answer(
        "Successful Response",
        z.object({ endpoint, secret: z.string() }).openapi("WebhookEndpointCreateResponse"),
      ),
      400: answer("Refused URL, event types or endpoint limit", detailBody),
      ...errors,
    },
  }),
  list: profileRoute(TAG, "viewer", {
    method: "get",
    path: PATH,
    operationId: "seedFourListEndpoints",
    summary: "List Endpoints",
    description: "Every endpoint of the organization (at most 20), oldest first.",
    responses: { 200: answer("Successful Response", z.object({ endpoints: z.array(endpoint) })), ...errors },
  }),
  get: profileRoute(TAG, "viewer", {
    method: "get",
    path: `${PATH}/{id}`,
    operationId: "seedFourGetEndpoint",
    summary: "Get Endpoint",
    description:
      "One endpoint (never its secret); 404 `{detail}` when the organization has none with this id.",
    request: { params: idParam },
    responses: {
      200: answer("Successful Response", z.object({ endpoint })),
      404: answer("Not found", detailBody),
      ...errors,
    },
  }),
  remove: profileRoute(TAG, "admin", {
    method: "delete",
    path: `${PATH}/{id}`,
    operationId: "seedFourDeleteEndpoint",
    summary: "Delete Endpoint",
    description: "Deletes the endpoint everywhere (it is the same endpoint in /v1/webhook-endpoints).",
    request: { params: idParam },
    responses: { 204: { description: "Deleted" }, 404: answer("Not found", detailBody), ...errors },
  }),
};

function view(rec: HandledEndpoint): z.infer<typeof endpoint> {
  return {
    id: rec.id,
    user_id: rec.org_number,
    url: rec.url,
    description: rec.description,
    status: rec.status,
    enabled: rec.status !== "disabled",
    subscribed_event_patterns: rec.event_types,
    signing_version: rec.signing_version,
    secret_hint: endpointKeys(rec, "").secret_hint,
    timeout_seconds: Math.round(rec.timeout_ms / 1000),
    max_retries: rec.max_retries,
    consecutive_failures: rec.consecutive_failures ?? 0,
    last_verified_at: rec.last_verified_at ?? null,
    last_delivery_at: rec.last_delivery_at ?? null,
    last_error: rec.last_error ?? null,
    created_at: rec.created_at,
    updated_at: rec.updated_at,
  };
}

function seed004Routes(deps: ApiContext) {
  const app = profileRouter();
  app.openapi(routes.create, async (c) => {
    const body = c.req.valid("json");
    const { endpoint: rec, secret } = await profileEndpoints(deps, c).create({
      url: body.url,
      description: body.description ?? null,
      event_types: body.event_patterns ?? [],
      timeout_ms: (body.timeout_seconds ?? 10) * 1000,
      max_retries: body.max_retries ?? 7,
    });
    return c.json({ endpoint: view(rec), secret: secret ?? "" }, 200);
  });
  app.openapi(routes.list, async (c) => {
    return c.json({ endpoints: (await profileEndpoints(deps, c).list()).map(view) }, 200);
  });
  app.openapi(routes.get, async (c) => {
    const rec = await profileEndpoints(deps, c).find({ id: c.req.valid("param").id });
    return c.json({ endpoint: view(rec) }, 200);
  });
  app.openapi(routes.remove, async (c) => {
    await profileEndpoints(deps, c).remove({ id: c.req.valid("param").id });
    return c.body(null, 204);
  });
  return app;
}

export const seed004: ApiProfile = {
  prefix: PATH,
  tag: {
    name: TAG,
    description:
      "For clients of the page's FastAPI webhook service: `X-API-Key`, `{endpoint, secret}` answers, 422 `detail[]` errors (docs/seeds.md).",
  },
  routes: seed004Routes,
  error: fastApiError,
};
