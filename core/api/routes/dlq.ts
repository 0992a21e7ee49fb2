/**
 * /v1/dlq/redrive: the platform operator moves dead-lettered delivery tasks back to the delivery
 * queue, as a tracked task in the platform organization (core/delivery/redrive-task.ts),
 * followed at `GET /v1/tasks/{id}`. Platform admins only: the DLQ holds every tenant's tasks.
 */
import { startRedrive } from "../../delivery/index.js";
import { assertPlatformAdmin } from "../../orgs/index.js";
import type { ApiContext } from "../context.js";
import { ok, routes } from "../route-spec.js";
import { createRouter, orgOf } from "../router.js";
import { redriveBody, taskCreated } from "../schemas/tasks.js";

const route = routes("Tasks");

const redrive = route.post("/dlq/redrive", "admin", "redriveDlq", {
  request: { body: redriveBody },
  responses: ok(202, "Started; follow it at /v1/tasks/{id}", taskCreated).errors(400, 403, 413, 415),
});

export function dlqRoutes(deps: ApiContext) {
  const app = createRouter();
  app.openapi(redrive, async (c) => {
    assertPlatformAdmin(deps, c.get("principal"));
    const task = await startRedrive(deps, orgOf(c), c.req.valid("json"));
    return c.json({ task_id: task.id, status: task.status }, 202);
  });
  return app;
}
