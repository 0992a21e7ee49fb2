/**
 * /v1/tasks: tracked tasks (docs/tasks.md), the long work other routes start (`202 {task_id}`):
 * read one, list them newest first (any role), cancel one (admin). Scoped to the caller's
 * organization: another one's task answers 404.
 */

import { cancelTask, getTask, listTasks } from "../../tasks/index.js";
import type { ApiContext } from "../context.js";
import { pageBody, pageOf, pageQuery } from "../pagination.js";
import { ok, routes } from "../route-spec.js";
import { createRouter, orgOf } from "../router.js";
import { taskIdParam, tasksQuery, taskView, toTaskView } from "../schemas/tasks.js";

const route = routes("Tasks");

const list = route.get("/tasks", "viewer", "listTasks", {
  request: { query: tasksQuery },
  responses: ok(200, "A page of tasks", pageOf(taskView)).errors(400, 403),
});

const get = route.get("/tasks/{id}", "viewer", "getTask", {
  request: { params: taskIdParam },
  responses: ok(200, "The task", taskView).errors(400, 403, 404),
});

const cancel = route.delete("/tasks/{id}", "admin", "cancelTask", {
  request: { params: taskIdParam },
  responses: ok(200, "Canceled", taskView).errors(400, 403, 404, 409),
});

export function tasksRoutes(deps: ApiContext) {
  const app = createRouter();
  app.openapi(list, async (c) => {
    const page = await listTasks(deps, orgOf(c), pageQuery(c.req.valid("query")));
    return c.json(pageBody(page.items.map(toTaskView), page.last), 200);
  });
  app.openapi(get, async (c) => {
    return c.json(toTaskView(await getTask(deps, orgOf(c), c.req.valid("param").id)), 200);
  });
  app.openapi(cancel, async (c) => {
    return c.json(toTaskView(await cancelTask(deps, orgOf(c), c.req.valid("param").id)), 200);
  });
  return app;
}
