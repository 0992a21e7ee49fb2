/**
 * Seed 000 (thinnest.ai): `POST /webhooks/endpoints` as its page documents it, plus the list,
 * read and delete of the same endpoints by their integer id. Bearer key; answers
 * `{"status": "success", "endpoint": {…}}` with an integer `id`, a hex `secret` (the raw HMAC
 * key, shown on creation only) and naive `created_at`; FastAPI error bodies. docs/seeds.md.
 */
import { randomBytes } from "node:crypto";
import { z } from "@hono/zod-openapi";
import type { HandledEndpoint } from "../../endpoints/index.js";
import { eventTypeList, MAX_DESCRIPTION_LENGTH, MAX_URL_LENGTH, TIMEOUT_MS } from "../../model/index.js";
import type { ApiContext } from "../context.js";
import { json } from "../router.js";
import { profileEndpoints } from "./endpoints.js";
import { detailBody, fastApiError, validationErrorBody } from "./fastapi-errors.js";
import { type ApiProfile, answer, naiveSeconds, profileRoute, profileRouter } from "./kit.js";

const TAG = "Seed 000: /webhooks/endpoints";
const PATH = "/webhooks/endpoints";

const createBody = z
  .strictObject({
    url: z.string().min(1).max(MAX_URL_LENGTH).openapi({ description: "HTTPS URL to receive events" }),
    // .meta, not .openapi: the schema is core/model's, made before the API's zod extension loads.
    event_types: eventTypeList.meta({ description: "Event types to subscribe to (empty = all)" }),
    agent_id: z.number().int().min(0).nullable().optional().openapi({
      description: "Only this agent's events (null = all agents)",
    }),
    description: z.string().max(MAX_DESCRIPTION_LENGTH).nullable().optional(),
    max_retries: z.number().int().min(0).max(5).optional().openapi({ description: "0–5, default 3" }),
    timeout_ms: z
      .number()
      .int()
      .min(TIMEOUT_MS.min)
      .max(TIMEOUT_MS.max)
      .optional()
      .openapi({
        description: `Request timeout in ms (${TIMEOUT_MS.min}–${TIMEOUT_MS.max}), default 5000`,
      }),
  })
  .openapi("Seed000CreateEndpoint", {
    example: {
      url: "https://your-app.com/webhooks/thinnestai",
      event_types: ["chat.message.completed", "voice.call.ended"],
      description: "Production webhook",
      max_retries: 3,
      timeout_ms: 5000,
    },
  });

const endpoint = z
  .object({
    id: z.number().int().openapi({ example: 1 }),
    url: z.string(),
    event_types: z.array(z.string()),
    agent_id: z.union([z.number().int(), z.string()]).nullable(),
    description: z.string().nullable(),
    is_active: z.boolean(),
    max_retries: z.number().int(),
    timeout_ms: z.number().int(),
    created_at: z.string().openapi({ example: "2026-03-16T10:00:00" }),
  })
  .openapi("Seed000Endpoint");

const created = endpoint
  .extend({ secret: z.string().openapi({ description: "Shown once", example: "a1b2c3d4e5f6..." }) })
  .openapi("Seed000EndpointWithSecret");

const success = z.literal("success");
const one = (schema: typeof endpoint) => z.object({ status: success, endpoint: schema });
const idParam = z.object({
  id: z.coerce
    .number()
    .int()
    .min(1)
    .openapi({ param: { name: "id", in: "path" }, example: 1 }),
});
const errors = {
  400: answer("Invalid URL (not HTTPS), invalid event types, or 20 endpoints reached", detailBody),
  401: answer("Missing or invalid API key", detailBody),
  403: answer("The key's role may not do this", detailBody),
  422: answer("Validation error", validationErrorBody),
};

const routes = {
  create: profileRoute(TAG, "admin", {
    method: "post",
    path: PATH,
    operationId: "seedZeroCreateEndpoint",
    summary: "Create an endpoint (the secret is returned only here)",
    description:
      "As thinnest.ai's `POST /webhooks/endpoints`: answers 200 `{status, endpoint}` with an integer `id` and the hex `secret`, the raw HMAC key deliveries are signed with, shown only here. The endpoint is also in /v1/webhook-endpoints.",
    request: { body: { required: true, content: json(createBody) } },
    responses: { 200: answer("Successful Response", one(created)), ...errors },
  }),
  list: profileRoute(TAG, "viewer", {
    method: "get",
    path: PATH,
    operationId: "seedZeroListEndpoints",
    summary: "List the organization's endpoints",
    description: "Every endpoint of the organization (at most 20), oldest first, with its integer `id`.",
    responses: {
      200: answer("Successful Response", z.object({ status: success, endpoints: z.array(endpoint) })),
      ...errors,
    },
  }),
  get: profileRoute(TAG, "viewer", {
    method: "get",
    path: `${PATH}/{id}`,
    operationId: "seedZeroGetEndpoint",
    summary: "One endpoint by its integer id",
    description: "The endpoint without its secret; 404 when the organization has no endpoint with this id.",
    request: { params: idParam },
    responses: {
      200: answer("Successful Response", one(endpoint)),
      404: answer("Not found", detailBody),
      ...errors,
    },
  }),
  remove: profileRoute(TAG, "admin", {
    method: "delete",
    path: `${PATH}/{id}`,
    operationId: "seedZeroDeleteEndpoint",
    summary: "Delete an endpoint",
    description:
      "Deletes it everywhere (it is the same endpoint in /v1/webhook-endpoints); pending retries are abandoned.",
    request: { params: idParam },
    responses: {
      200: answer("Successful Response", z.object({ status: success })),
      404: answer("Not found", detailBody),
      ...errors,
    },
  }),
};

function view(rec: HandledEndpoint): z.infer<typeof endpoint> {
  return {
    id: rec.number,
    url: rec.url,
    event_types: rec.event_types,
    agent_id: rec.agent_id,
    description: rec.description,
    is_active: rec.status !== "disabled",
    max_retries: rec.max_retries,
    timeout_ms: rec.timeout_ms,
    created_at: naiveSeconds(rec.created_at),
  };
}

function seed000Routes(deps: ApiContext) {
  const app = profileRouter();
  app.openapi(routes.create, async (c) => {
    const body = c.req.valid("json");
    // Their secrets are hex strings used as the raw HMAC key; deliveries are signed with it.
    const secret = randomBytes(32).toString("hex");
    const { endpoint: rec } = await profileEndpoints(deps, c).create({
      url: body.url,
      event_types: body.event_types,
      agent_id: body.agent_id ?? null,
      description: body.description ?? null,
      max_retries: body.max_retries ?? 3,
      timeout_ms: body.timeout_ms ?? 5000,
      rawSecret: secret,
    });
    return c.json({ status: "success" as const, endpoint: { ...view(rec), secret } }, 200);
  });
  app.openapi(routes.list, async (c) => {
    const all = await profileEndpoints(deps, c).list();
    return c.json({ status: "success" as const, endpoints: all.map(view) }, 200);
  });
  app.openapi(routes.get, async (c) => {
    const rec = await profileEndpoints(deps, c).find({ number: c.req.valid("param").id });
    return c.json({ status: "success" as const, endpoint: view(rec) }, 200);
  });
  app.openapi(routes.remove, async (c) => {
    await profileEndpoints(deps, c).remove({ number: c.req.valid("param").id });
    return c.json({ status: "success" as const }, 200);
  });
  return app;
}

export const seed000: ApiProfile = {
  prefix: PATH,
  tag: {
    name: TAG,
    description:
      "For clients of thinnest.ai's webhook API: integer ids, `{status, endpoint}` answers, FastAPI errors (docs/seeds.md).",
  },
  routes: seed000Routes,
  error: fastApiError,
};
