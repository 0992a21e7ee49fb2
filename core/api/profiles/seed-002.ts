/**
 * Seed 002: `/v1/backend/webhooks` as its page documents it: every answer in a `{"data": …}`
 * envelope (list, create with the secret, get, the test event to every endpoint, the secret),
 * 204 on delete, errors as `{"error": {"code", "message"}}` (this API's own shape).
 * docs/seeds.md, "Migrating from seed 002".
 */
import { z } from "@hono/zod-openapi";
import { endpointsOf, listEndpoints, readSecrets } from "../../endpoints/index.js";
import { sendTestEvent } from "../../events/index.js";
import {
  type EndpointRecord,
  eventTypeList,
  MAX_DESCRIPTION_LENGTH,
  MAX_URL_LENGTH,
} from "../../model/index.js";
import type { ApiContext } from "../context.js";
import { errorBody, toErrorResponse } from "../errors.js";
import { createRouter, json, orgOf } from "../router.js";
import { pathId } from "../schemas/params.js";
import { type ApiProfile, answer, profileRoute } from "./kit.js";

const TAG = "Seed 002: /v1/backend/webhooks";
const PATH = "/v1/backend/webhooks";

const createBody = z
  .strictObject({
    url: z
      .string()
      .min(1)
      .max(MAX_URL_LENGTH)
      .openapi({ format: "uri", example: "https://example.com/hooks" }),
    description: z.string().max(MAX_DESCRIPTION_LENGTH).optional(),
    event_types: eventTypeList.optional().openapi({ example: ["conversation.completed"] }),
    enabled: z.boolean().optional().openapi({ description: "Default true" }),
  })
  .openapi("Seed002CreateWebhook", {
    example: { url: "https://example.com/hooks", event_types: ["conversation.completed"] },
  });

const webhook = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string().openapi({ description: "Empty when none was given" }),
    event_types: z.array(z.string()),
    enabled: z.boolean(),
    created_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Seed002Webhook");

const data = <T extends z.ZodType>(schema: T) => z.object({ data: schema });
const err = (description: string) => answer(description, errorBody);
const errors = { 401: err("Missing or invalid API key"), 403: err("The key's role may not do this") };
const idParam = pathId("ep_01JQ3Z7Y8K4M2N6P9R1S3T5V7W");

const routes = {
  list: profileRoute(TAG, "viewer", {
    method: "get",
    path: PATH,
    operationId: "seedTwoListWebhooks",
    summary: "List webhook endpoints",
    description: "Every webhook endpoint of the organization (at most 20), oldest first, in `data`.",
    responses: { 200: answer("The endpoints", data(z.array(webhook))), ...errors },
  }),
  create: profileRoute(TAG, "admin", {
    method: "post",
    path: PATH,
    operationId: "seedTwoCreateWebhook",
    summary: "Create a new webhook endpoint",
    description:
      "Returns the signing secret for webhook verification (`whsec_…`). HTTPS URLs (plain http to any host with a test-mode key, to localhost where the deployment allows it).",
    request: { body: { required: true, content: json(createBody) } },
    responses: {
      201: answer("Created", data(webhook.extend({ secret: z.string() }))),
      400: err("Invalid URL, event types or body; or the organization's 20th endpoint"),
      ...errors,
    },
  }),
  test: profileRoute(TAG, "member", {
    method: "post",
    path: `${PATH}/test`,
    operationId: "seedTwoTestWebhooks",
    summary: "Send a test event to all webhook endpoints",
    description:
      "A `webhook.test` event, signed and delivered like any other, to every enabled endpoint; `success` is false when there is none.",
    responses: {
      200: answer("Sent", data(z.object({ success: z.boolean(), message_id: z.string() }))),
      ...errors,
    },
  }),
  get: profileRoute(TAG, "viewer", {
    method: "get",
    path: `${PATH}/{id}`,
    operationId: "seedTwoGetWebhook",
    summary: "Get a webhook endpoint",
    description: "One endpoint, without its secret.",
    request: { params: idParam },
    responses: { 200: answer("The endpoint", data(webhook)), 404: err("Not found"), ...errors },
  }),
  remove: profileRoute(TAG, "admin", {
    method: "delete",
    path: `${PATH}/{id}`,
    operationId: "seedTwoDeleteWebhook",
    summary: "Delete a webhook endpoint",
    description: "Deletes it everywhere; pending retries are abandoned.",
    request: { params: idParam },
    responses: { 204: { description: "Deleted" }, 404: err("Not found"), ...errors },
  }),
  secret: profileRoute(TAG, "admin", {
    method: "get",
    path: `${PATH}/{id}/secret`,
    operationId: "seedTwoGetWebhookSecret",
    summary: "Get the signing secret for a webhook endpoint",
    description:
      "For verifying webhook signatures (admin keys; every read is logged without the secret; off where the deployment sets ALLOW_SECRET_RETRIEVAL=false).",
    request: { params: idParam },
    responses: {
      200: answer("The secret", data(z.object({ secret: z.string() }))),
      404: err("Not found"),
      409: err("A v1a endpoint has no shared secret"),
      ...errors,
    },
  }),
};

const view = (rec: EndpointRecord): z.infer<typeof webhook> => ({
  id: rec.id,
  url: rec.url,
  description: rec.description ?? "",
  event_types: rec.event_types,
  enabled: rec.status !== "disabled",
  created_at: rec.created_at,
});

function seed002Routes(deps: ApiContext) {
  const app = createRouter();
  app.openapi(routes.list, async (c) => {
    const { endpoints } = await listEndpoints(deps, orgOf(c), deps.config.limits.maxEndpointsPerOrg);
    return c.json({ data: endpoints.map(view) }, 200);
  });
  app.openapi(routes.create, async (c) => {
    const body = c.req.valid("json");
    const { endpoint, secret } = await endpointsOf(deps, c.get("principal")).create({
      url: body.url,
      description: body.description ?? null,
      event_types: body.event_types ?? [],
      ...(body.enabled === undefined ? {} : { status: body.enabled ? "active" : "disabled" }),
    });
    return c.json({ data: { ...view(endpoint), secret: secret ?? "" } }, 201);
  });
  app.openapi(routes.test, async (c) => {
    const sent = await sendTestEvent(deps, orgOf(c));
    return c.json({ data: { success: sent.endpoint_count > 0, message_id: sent.message_id } }, 200);
  });
  app.openapi(routes.get, async (c) => {
    return c.json(
      { data: view(await endpointsOf(deps, c.get("principal")).get(c.req.valid("param").id)) },
      200,
    );
  });
  app.openapi(routes.remove, async (c) => {
    await endpointsOf(deps, c.get("principal")).remove(c.req.valid("param").id);
    return c.body(null, 204);
  });
  app.openapi(routes.secret, async (c) => {
    const { secret } = await readSecrets(deps, c.get("principal"), c.req.valid("param").id);
    return c.json({ data: { secret } }, 200);
  });
  return app;
}

export const seed002: ApiProfile = {
  prefix: PATH,
  tag: {
    name: TAG,
    description:
      "For clients of the page's backend webhook API: `{data}` answers, the test and secret routes (docs/seeds.md).",
  },
  routes: seed002Routes,
  error: toErrorResponse,
};
