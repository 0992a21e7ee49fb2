/**
 * Erasure (docs/data.md): every payload of a data subject (`POST /v1/erasures`, a tracked task
 * followed at `GET /v1/erasures/{id}` or `GET /v1/tasks/{task_id}`), or one event's
 * (`DELETE /v1/events/{id}/payload`, at once). Each is recorded (who, when, what, how many;
 * never the data): `GET /v1/erasures` lists the records. Admin role, the caller's organization.
 */

import { erasePayload, getErasure, listErasures, startErasure } from "../../erasure/index.js";
import type { ApiContext } from "../context.js";
import { pageBody, pageOf, pageQuery, paginationQuery } from "../pagination.js";
import { ok, routes } from "../route-spec.js";
import { createRouter, orgOf } from "../router.js";
import { erasureIdParam, erasureView, startErasureBody, toErasureView } from "../schemas/erasures.js";
import { eventIdParam } from "../schemas/events.js";

const route = routes("Data lifecycle");

const start = route.post("/erasures", "admin", "startErasure", {
  request: { body: startErasureBody },
  responses: ok(202, "Started; follow it by id", erasureView).errors(400, 403, 413, 415),
});

const list = route.get("/erasures", "admin", "listErasures", {
  request: { query: paginationQuery },
  responses: ok(200, "A page of erasure records, oldest first", pageOf(erasureView)).errors(400, 403),
});

const get = route.get("/erasures/{id}", "admin", "getErasure", {
  request: { params: erasureIdParam },
  responses: ok(200, "The erasure", erasureView).errors(400, 403, 404),
});

const erase = route.delete("/events/{id}/payload", "admin", "eraseEventPayload", {
  request: { params: eventIdParam },
  responses: ok(200, "Erased (its record)", erasureView).errors(400, 403, 404),
});

export function erasuresRoutes(deps: ApiContext) {
  const app = createRouter();
  app.openapi(start, async (c) => {
    const r = await startErasure(deps, c.get("principal"), c.req.valid("json").subject);
    return c.json(toErasureView(r), 202);
  });
  app.openapi(list, async (c) => {
    const page = await listErasures(deps, orgOf(c), pageQuery(c.req.valid("query")));
    return c.json(pageBody(page.items.map(toErasureView), page.last), 200);
  });
  app.openapi(get, async (c) => {
    return c.json(toErasureView(await getErasure(deps, orgOf(c), c.req.valid("param").id)), 200);
  });
  app.openapi(erase, async (c) => {
    return c.json(toErasureView(await erasePayload(deps, c.get("principal"), c.req.valid("param").id)), 200);
  });
  return app;
}
