/** Seed 003's routes, bodies and webhook object (the handlers are in seed-003.ts). */
import { z } from "@hono/zod-openapi";
import type { HandledEndpoint } from "../../endpoints/index.js";
import { eventTypeString, MAX_EVENT_TYPES_PER_ENDPOINT, MAX_RAW_SECRET_LENGTH } from "../../model/index.js";
import { json } from "../router.js";
import { answer, microseconds, profileRoute } from "./kit.js";
import { failureBody, laravelMessageBody, laravelValidationBody } from "./laravel-errors.js";

export const TAG = "Seed 003: /api/v1/agents/{agent_id}/webhooks";
export const PREFIX = "/api/v1/agents";
const PATH = `${PREFIX}/{agent_id}/webhooks`;
const ONE = `${PATH}/{webhook_id}`;

/** The page's validation rules; on update every field is optional. */
const rules = {
  name: z.string().max(255),
  webhook_url: z.string().max(500),
  events: z.array(eventTypeString).min(1).max(MAX_EVENT_TYPES_PER_ENDPOINT),
  timeout: z.number().int().min(5).max(120).openapi({ description: "Seconds, 5–120 (default 30)" }),
  max_retries: z.number().int().min(0).max(10).openapi({ description: "0–10 (default 3)" }),
  enabled: z.boolean().openapi({ description: "Default true" }),
};

const createBody = z
  .strictObject({
    ...rules,
    webhook_secret: z.string().max(MAX_RAW_SECRET_LENGTH).optional().openapi({
      description: "Your HMAC key, used as is (its UTF-8 bytes); generated when absent",
    }),
    timeout: rules.timeout.optional(),
    max_retries: rules.max_retries.optional(),
    enabled: rules.enabled.optional(),
  })
  .openapi("Seed003CreateWebhook", {
    example: {
      name: "My Webhook",
      webhook_url: "https://example.com/webhook",
      webhook_secret: "optional_secret_for_hmac",
      events: ["event_phone_call_started", "event_phone_call_ended"],
      timeout: 30,
      max_retries: 3,
      enabled: true,
    },
  });

const updateBody = z
  .strictObject({
    name: rules.name.optional(),
    webhook_url: rules.webhook_url.optional(),
    events: rules.events.optional(),
    timeout: rules.timeout.optional(),
    max_retries: rules.max_retries.optional(),
    enabled: rules.enabled.optional(),
  })
  .openapi("Seed003UpdateWebhook", { example: { enabled: false } });

export type WebhookBody = z.infer<typeof updateBody>;

const ts = z.string().openapi({ example: "2025-09-03T23:19:51.000000Z" });
const webhook = z
  .object({
    id: z.string().openapi({ format: "uuid" }),
    agent_id: z.string(),
    name: z.string(),
    webhook_url: z.string(),
    events: z.array(z.string()),
    timeout: z.number().int(),
    max_retries: z.number().int(),
    enabled: z.boolean(),
    created_at: ts,
    updated_at: ts,
    events_count: z.number().int(),
    status: z.string(),
  })
  .openapi("Seed003Webhook");

export const view = (rec: HandledEndpoint): z.infer<typeof webhook> => ({
  id: rec.uuid,
  agent_id: String(rec.agent_id ?? ""),
  name: rec.label ?? "",
  webhook_url: rec.url,
  events: rec.event_types,
  timeout: Math.round(rec.timeout_ms / 1000),
  max_retries: rec.max_retries,
  enabled: rec.status !== "disabled",
  created_at: microseconds(rec.created_at),
  updated_at: microseconds(rec.updated_at),
  events_count: rec.event_types.length,
  status: rec.status,
});

const envelope = <T extends z.ZodType>(data: T) =>
  z.object({ success: z.literal(true), message: z.string(), data });
const pathParams = (...names: string[]) =>
  z.object(
    Object.fromEntries(
      names.map((n) => [
        n,
        z
          .string()
          .max(64)
          .openapi({ param: { name: n, in: "path" }, format: "uuid" }),
      ]),
    ),
  );
const agentParams = pathParams("agent_id");
const webhookParams = pathParams("agent_id", "webhook_id");
const errors = {
  401: answer("Missing Bearer Token", laravelMessageBody),
  403: answer("The key's role may not do this", failureBody),
  404: answer("Agent (or webhook) not found in this environment", failureBody),
};
const invalid = { 422: answer("The given data was invalid", laravelValidationBody) };

const route = (
  method: "get" | "post" | "put" | "patch" | "delete",
  path: string,
  operationId: string,
  summary: string,
  description: string,
) => ({ method, path, operationId, summary, description });

export const routes = {
  create: profileRoute(TAG, "admin", {
    ...route(
      "post",
      PATH,
      "seedThreeCreateWebhook",
      "Create a webhook for an agent",
      "201 `{success, message, data}`; the endpoint's agent_id is the path's.",
    ),
    request: { params: agentParams, body: { required: true, content: json(createBody) } },
    responses: { 201: answer("Webhook created successfully", envelope(webhook)), ...errors, ...invalid },
  }),
  list: profileRoute(TAG, "viewer", {
    ...route(
      "get",
      PATH,
      "seedThreeListWebhooks",
      "List an agent's webhooks",
      "The agent's webhooks (empty when it has none), oldest first.",
    ),
    request: { params: agentParams },
    responses: { 200: answer("Webhooks retrieved successfully", envelope(z.array(webhook))), ...errors },
  }),
  get: profileRoute(TAG, "viewer", {
    ...route(
      "get",
      ONE,
      "seedThreeGetWebhook",
      "Get one of an agent's webhooks",
      "By its UUID; another agent's is not found.",
    ),
    request: { params: webhookParams },
    responses: { 200: answer("Webhook retrieved successfully", envelope(webhook)), ...errors },
  }),
  update: profileRoute(TAG, "admin", {
    ...route(
      "patch",
      ONE,
      "seedThreeUpdateWebhook",
      "Update a webhook",
      "Changes only the fields given (the same rules as on create).",
    ),
    request: { params: webhookParams, body: { required: true, content: json(updateBody) } },
    responses: { 200: answer("Webhook updated successfully", envelope(webhook)), ...errors, ...invalid },
  }),
  replace: profileRoute(TAG, "admin", {
    ...route(
      "put",
      ONE,
      "seedThreeReplaceWebhook",
      "Update a webhook (PUT)",
      "As PATCH: changes only the fields given.",
    ),
    request: { params: webhookParams, body: { required: true, content: json(updateBody) } },
    responses: { 200: answer("Webhook updated successfully", envelope(webhook)), ...errors, ...invalid },
  }),
  remove: profileRoute(TAG, "admin", {
    ...route(
      "delete",
      ONE,
      "seedThreeDeleteWebhook",
      "Delete a webhook",
      "Delivery stops; pending retries are abandoned.",
    ),
    request: { params: webhookParams },
    responses: {
      200: answer(
        "Webhook deleted successfully",
        z.object({ success: z.literal(true), message: z.string() }),
      ),
      ...errors,
    },
  }),
  test: profileRoute(TAG, "member", {
    ...route(
      "post",
      `${ONE}/test`,
      "seedThreeTestWebhook",
      "Send a test event to a webhook",
      "A `webhook.test` event, signed and delivered like any other.",
    ),
    request: { params: webhookParams },
    responses: {
      200: answer("Test webhook sent successfully", envelope(z.object({ message_id: z.string() }))),
      409: answer("The webhook is disabled", failureBody),
      ...errors,
    },
  }),
};
