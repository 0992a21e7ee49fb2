/** /v1/event-types: the organization's catalog (defaults + its own types). */
import { createRoute, z } from "@hono/zod-openapi";
import type { Deps } from "../../deps.js";
import type { EventTypeDef } from "../../event-types/default-catalog.js";
import { createEventType } from "../../events/custom-types.js";
import { requireRole } from "../auth.js";
import { errorResponses } from "../errors.js";
import { createRouter, json } from "../router.js";
import { createEventTypeBody, eventTypeView } from "../schemas/event-types.js";

const tags = ["Event types"];

const list = createRoute({
  method: "get",
  path: "/event-types",
  operationId: "listEventTypes",
  description:
    "The catalog: the default event types plus the organization's own, each with its optional JSON Schema.",
  tags,
  summary: "List the event-type catalog (every type; the catalog is small)",
  middleware: [requireRole("viewer")] as const,
  responses: {
    200: {
      description: "The catalog",
      content: json(z.object({ data: z.array(eventTypeView), next_cursor: z.null() })),
    },
    ...errorResponses(403),
  },
});

const create = createRoute({
  method: "post",
  path: "/event-types",
  operationId: "createEventType",
  description:
    "Adds an event type to the organization's catalog. `schema`, a JSON Schema, is checked against every event's `data` (patterns use RE2, in linear time). 409 `event_type_exists` for a name already in the catalog. Admin role.",
  tags,
  summary: "Add an event type, with an optional JSON Schema for its data",
  middleware: [requireRole("admin")] as const,
  request: { body: { required: true, content: json(createEventTypeBody) } },
  responses: {
    201: { description: "Created", content: json(eventTypeView) },
    ...errorResponses(400, 403, 409, 413, 415),
  },
});

function view(t: EventTypeDef & { created_at?: string }) {
  return {
    name: t.name,
    description: t.description,
    schema: t.schema ?? null,
    custom: t.created_at !== undefined,
    created_at: t.created_at ?? null,
  };
}

export function eventTypesRoutes(deps: Deps) {
  const app = createRouter();
  app.openapi(list, async (c) => {
    const types = await deps.eventTypes.list(c.get("principal").orgId);
    return c.json({ data: types.map(view), next_cursor: null }, 200);
  });
  app.openapi(create, async (c) => {
    const created = await createEventType(deps, c.get("principal").orgId, c.req.valid("json"));
    return c.json(view(created), 201);
  });
  return app;
}
