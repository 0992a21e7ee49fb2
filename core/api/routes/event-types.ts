/** /v1/event-types: the organization's catalog (defaults + its own types) and each type's lifecycle. */
import { z } from "@hono/zod-openapi";
import { DEFAULT_EVENT_TYPES } from "../../event-types/index.js";
import {
  createEventType,
  deleteEventType,
  exportCatalog,
  importCatalog,
  updateEventType,
} from "../../events/index.js";
import {
  type EventTypeDef,
  notFound,
  type StoredEventType,
  schemaVersionOf,
  statusOf,
} from "../../model/index.js";
import type { ApiContext } from "../context.js";
import { ok, routes } from "../route-spec.js";
import { createRouter, orgOf } from "../router.js";
import {
  catalogDocument,
  createEventTypeBody,
  eventTypeParam,
  eventTypeView,
  importResult,
  updateEventTypeBody,
} from "../schemas/event-types.js";

const route = routes("Event types");

const catalog = z.object({ data: z.array(eventTypeView), next_cursor: z.null() });

const list = route.get("/event-types", "viewer", "listEventTypes", {
  responses: ok(200, "The catalog", catalog).errors(403),
});

const create = route.post("/event-types", "admin", "createEventType", {
  request: { body: createEventTypeBody },
  responses: ok(201, "Created", eventTypeView).errors(400, 403, 409, 413, 415),
});

// Declared (and registered) before /event-types/{name}, which would otherwise take them.
const exported = route.get("/event-types/openapi.json", "viewer", "exportEventTypes", {
  responses: ok(
    200,
    "The catalog as an OpenAPI 3.1 document with a webhooks section",
    catalogDocument,
  ).errors(403),
});

const imported = route.post("/event-types/import", "admin", "importEventTypes", {
  request: { body: catalogDocument },
  responses: ok(200, "What was done with each type", importResult).errors(400, 403, 413, 415),
});

const get = route.get("/event-types/{name}", "viewer", "getEventType", {
  request: { params: eventTypeParam },
  responses: ok(200, "The event type", eventTypeView).errors(400, 403, 404),
});

const update = route.patch("/event-types/{name}", "admin", "updateEventType", {
  request: { params: eventTypeParam, body: updateEventTypeBody },
  responses: ok(200, "The event type as changed", eventTypeView).errors(400, 403, 404, 409, 413, 415),
});

const remove = route.delete("/event-types/{name}", "admin", "deleteEventType", {
  request: { params: eventTypeParam },
  responses: ok(204, "Deleted").errors(400, 403, 404, 409),
});

const isDefault = (name: string) => DEFAULT_EVENT_TYPES.some((t) => t.name === name);

/** A type as the API shows it (a default type changed by the organization is still not custom). */
export function eventTypeOut(t: EventTypeDef & Partial<Pick<StoredEventType, "created_at" | "updated_at">>) {
  const custom = t.created_at !== undefined && !isDefault(t.name);
  return {
    name: t.name,
    description: t.description,
    schema: t.schema ?? null,
    schema_version: schemaVersionOf(t),
    examples: t.examples ?? [],
    status: statusOf(t),
    deprecation: t.deprecation ?? null,
    archived_at: t.archived_at ?? null,
    custom,
    created_at: custom ? (t.created_at ?? null) : null,
    updated_at: t.updated_at ?? null,
    retention_days: t.retention_days ?? null,
  };
}

export function eventTypesRoutes(deps: ApiContext) {
  const app = createRouter();
  app.openapi(list, async (c) => {
    const types = await deps.eventTypes.list(orgOf(c));
    return c.json({ data: types.map(eventTypeOut), next_cursor: null }, 200);
  });
  app.openapi(create, async (c) => {
    const created = await createEventType(deps, orgOf(c), c.req.valid("json"));
    return c.json(eventTypeOut(created), 201);
  });
  app.openapi(exported, async (c) => c.json(await exportCatalog(deps, orgOf(c)), 200));
  app.openapi(imported, async (c) => {
    const results = await importCatalog(deps, orgOf(c), c.req.valid("json"));
    return c.json({ data: results }, 200);
  });
  app.openapi(get, async (c) => {
    const { name } = c.req.valid("param");
    const type = (await deps.eventTypes.list(orgOf(c))).find((t) => t.name === name);
    if (!type) throw notFound(`event type ${name}`);
    return c.json(eventTypeOut(type), 200);
  });
  app.openapi(update, async (c) => {
    const changed = await updateEventType(deps, orgOf(c), c.req.valid("param").name, c.req.valid("json"));
    return c.json(eventTypeOut(changed), 200);
  });
  app.openapi(remove, async (c) => {
    await deleteEventType(deps, orgOf(c), c.req.valid("param").name);
    return c.body(null, 204);
  });
  return app;
}
