/**
 * Seed 001 (thunderphone): `/v1/developer/webhook-endpoints` as its page documents it: the
 * Endpoint object with a UUID `id`, `label` (1–120, required on create), `events` from the
 * page's exact set of nine (else 400; empty = all), `status` (`failing` set only by the
 * service), `secret_hint`; create 201 with a top-level `secret`, update 200, delete 204; every
 * route for admin keys. Errors are this API's `{"error": {"code", "message"}}`. docs/seeds.md.
 */
import { z } from "@hono/zod-openapi";
import { endpointKeys, type HandledEndpoint } from "../../endpoints/index.js";
import { MAX_URL_LENGTH, ServiceError } from "../../model/index.js";
import type { ApiContext } from "../context.js";
import { errorBody, toErrorResponse } from "../errors.js";
import { createRouter, json } from "../router.js";
import { profileEndpoints } from "./endpoints.js";
import { type ApiProfile, answer, profileRoute } from "./kit.js";

const TAG = "Seed 001: /v1/developer/webhook-endpoints";
const PATH = "/v1/developer/webhook-endpoints";

/** The page's "Valid event types": `events` is validated against exactly this set. */
export const SEED_001_EVENTS = [
  "telephony.incoming",
  "telephony.complete",
  "telephony.tool",
  "web.incoming",
  "web.complete",
  "web.tool",
  "call.graded",
  "issue.reported",
  "test-call.completed",
] as const;

const fields = {
  label: z.string().min(1).max(120).openapi({ description: "Display name, 1–120 chars" }),
  url: z
    .string()
    .min(1)
    .max(MAX_URL_LENGTH)
    .openapi({ description: "HTTPS URL; http://localhost for development" }),
  events: z
    .array(z.string().max(64))
    .max(SEED_001_EVENTS.length)
    .openapi({ description: `Empty or omitted = all events; values from: ${SEED_001_EVENTS.join(", ")}` }),
};
const createBody = z
  .strictObject({ label: fields.label, url: fields.url, events: fields.events.optional() })
  .openapi("Seed001CreateEndpoint", {
    example: { label: "Production", url: "https://example.com/hooks", events: ["telephony.complete"] },
  });
const updateBody = z
  .strictObject({
    label: fields.label.optional(),
    url: fields.url.optional(),
    events: fields.events.optional(),
    status: z
      .enum(["active", "disabled"])
      .optional()
      .openapi({ description: "failing is set only by the server" }),
  })
  .openapi("Seed001UpdateEndpoint", { example: { status: "disabled" } });

const ts = z.string().openapi({ format: "date-time" });
const endpoint = z
  .object({
    id: z.string().openapi({ format: "uuid" }),
    label: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    status: z.enum(["active", "disabled", "failing"]),
    secret_hint: z.string().openapi({ example: "whsec_…a1b2c3" }),
    created_at: ts,
    updated_at: ts,
  })
  .openapi("Seed001Endpoint");

const err = (description: string) => answer(description, errorBody);
const errors = { 401: err("Missing or invalid API key"), 403: err("Admin keys only") };
const idParam = z.object({
  endpoint_id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "endpoint_id", in: "path" }, format: "uuid" }),
});

const routes = {
  list: profileRoute(TAG, "admin", {
    method: "get",
    path: PATH,
    operationId: "seedOneListEndpoints",
    summary: "List endpoints",
    description: "Every endpoint of the organization (at most 20), oldest first, as a JSON array.",
    responses: { 200: answer("The endpoints", z.array(endpoint)), ...errors },
  }),
  create: profileRoute(TAG, "admin", {
    method: "post",
    path: PATH,
    operationId: "seedOneCreateEndpoint",
    summary: "Create an endpoint",
    description:
      "201 with the Endpoint object plus a top-level `secret`, the raw signing key, shown only here.",
    request: { body: { required: true, content: json(createBody) } },
    responses: {
      201: answer("Created", endpoint.extend({ secret: z.string() })),
      400: err("Invalid body, URL or events; or the 20th endpoint"),
      ...errors,
    },
  }),
  update: profileRoute(TAG, "admin", {
    method: "patch",
    path: `${PATH}/{endpoint_id}`,
    operationId: "seedOneUpdateEndpoint",
    summary: "Update label / URL / events / status",
    description: "Changes only the fields given; `status` active or disabled (to pause).",
    request: { params: idParam, body: { required: true, content: json(updateBody) } },
    responses: {
      200: answer("The updated endpoint", endpoint),
      400: err("Invalid body"),
      404: err("Not found"),
      ...errors,
    },
  }),
  remove: profileRoute(TAG, "admin", {
    method: "delete",
    path: `${PATH}/{endpoint_id}`,
    operationId: "seedOneDeleteEndpoint",
    summary: "Delete an endpoint",
    description: "Delivery to the URL stops immediately; in-flight retries are abandoned.",
    request: { params: idParam },
    responses: { 204: { description: "Deleted" }, 404: err("Not found"), ...errors },
  }),
};

/** The page's rule: only its nine values (400 otherwise). */
function checkEvents(events: string[] | undefined): string[] | undefined {
  const unknown = events?.filter((e) => !(SEED_001_EVENTS as readonly string[]).includes(e)) ?? [];
  if (unknown.length > 0) {
    throw new ServiceError(400, "invalid_event_types", `unknown event types: ${unknown.join(", ")}`, {
      unknown,
    });
  }
  return events;
}

const view = (rec: HandledEndpoint): z.infer<typeof endpoint> => ({
  id: rec.uuid,
  label: rec.label ?? "",
  url: rec.url,
  events: rec.event_types,
  // The page knows no pause: a paused endpoint sends nothing, as a disabled one.
  status: rec.status === "paused" ? "disabled" : rec.status,
  secret_hint: endpointKeys(rec, "").secret_hint,
  created_at: rec.created_at,
  updated_at: rec.updated_at,
});

function seed001Routes(deps: ApiContext) {
  const app = createRouter();
  app.openapi(routes.list, async (c) => c.json((await profileEndpoints(deps, c).list()).map(view), 200));
  app.openapi(routes.create, async (c) => {
    const body = c.req.valid("json");
    const { endpoint: rec, secret } = await profileEndpoints(deps, c).create({
      label: body.label,
      url: body.url,
      event_types: checkEvents(body.events) ?? [],
    });
    return c.json({ ...view(rec), secret: secret ?? "" }, 201);
  });
  app.openapi(routes.update, async (c) => {
    const body = c.req.valid("json");
    const endpoints = profileEndpoints(deps, c);
    // Found first: an unknown id is 404 whatever the events (as the canonical update answers).
    const { id } = await endpoints.find({ uuid: c.req.valid("param").endpoint_id });
    const updated = await endpoints.update(
      { id },
      { label: body.label, url: body.url, event_types: checkEvents(body.events), status: body.status },
    );
    return c.json(view(updated), 200);
  });
  app.openapi(routes.remove, async (c) => {
    await profileEndpoints(deps, c).remove({ uuid: c.req.valid("param").endpoint_id });
    return c.body(null, 204);
  });
  return app;
}

export const seed001: ApiProfile = {
  prefix: PATH,
  tag: {
    name: TAG,
    description:
      "For clients of thunderphone's endpoint-based webhooks: UUID ids, `label`, `events` from its nine types (docs/seeds.md).",
  },
  routes: seed001Routes,
  error: toErrorResponse,
};
