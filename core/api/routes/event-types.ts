/** /v1/event-types: the organization's catalog (defaults + its own types). */
import { z } from "@hono/zod-openapi";
import type { Deps } from "../../deps.js";
import { createEventType } from "../../events/index.js";
import type { EventTypeDef } from "../../model/index.js";
import { ok, routes } from "../route-spec.js";
import { createRouter, orgOf } from "../router.js";
import { createEventTypeBody, eventTypeView } from "../schemas/event-types.js";

const route = routes("Event types");

const catalog = z.object({ data: z.array(eventTypeView), next_cursor: z.null() });

const list = route.get("/event-types", "viewer", "listEventTypes", {
  responses: ok(200, "The catalog", catalog).errors(403),
});

const create = route.post("/event-types", "admin", "createEventType", {
  request: { body: createEventTypeBody },
  responses: ok(201, "Created", eventTypeView).errors(400, 403, 409, 413, 415),
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
    const types = await deps.eventTypes.list(orgOf(c));
    return c.json({ data: types.map(view), next_cursor: null }, 200);
  });
  app.openapi(create, async (c) => {
    const created = await createEventType(deps, orgOf(c), c.req.valid("json"));
    return c.json(view(created), 201);
  });
  return app;
}
