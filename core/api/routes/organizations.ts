/**
 * /v1/organizations: the platform operator creates tenants (each with a first admin key,
 * returned once) and lists them. Only admins of the platform organization may call these.
 */

import {
  assertPlatformAdmin,
  createOrganization,
  deleteOrganization,
  getOrganization,
  listOrganizations,
} from "../../orgs/index.js";
import type { ApiContext } from "../context.js";
import { pageBody, pageOf, pageQuery, paginationQuery } from "../pagination.js";
import { ok, routes } from "../route-spec.js";
import { createRouter } from "../router.js";
import {
  createdOrganization,
  createOrganizationBody,
  organization,
  orgIdParam,
} from "../schemas/organizations.js";

const route = routes("Organizations");

const created = ok(201, "Created; `api_key.key` is shown only here", createdOrganization);
const create = route.post("/organizations", "admin", "createOrganization", {
  request: { body: createOrganizationBody },
  responses: created.errors(400, 403, 409, 413, 415),
});

const list = route.get("/organizations", "admin", "listOrganizations", {
  request: { query: paginationQuery },
  responses: ok(200, "A page of organizations", pageOf(organization)).errors(400, 403),
});

const get = route.get("/organizations/{id}", "admin", "getOrganization", {
  request: { params: orgIdParam },
  responses: ok(200, "The organization", organization).errors(403, 404),
});

const remove = route.delete("/organizations/{id}", "admin", "deleteOrganization", {
  request: { params: orgIdParam },
  responses: ok(204, "Deleted").errors(403, 404, 409),
});

export function organizationsRoutes(deps: ApiContext) {
  const app = createRouter();
  app.openapi(create, async (c) => {
    assertPlatformAdmin(deps, c.get("principal"));
    const { organization: org, key, raw } = await createOrganization(deps, c.req.valid("json"));
    return c.json({ ...org, api_key: { ...key, key: raw } }, 201);
  });
  app.openapi(list, async (c) => {
    assertPlatformAdmin(deps, c.get("principal"));
    const { limit, cursor } = pageQuery(c.req.valid("query"));
    const page = await listOrganizations(deps, limit, cursor);
    return c.json(pageBody(page.organizations, page.last), 200);
  });
  app.openapi(get, async (c) => {
    assertPlatformAdmin(deps, c.get("principal"));
    return c.json(await getOrganization(deps, c.req.valid("param").id), 200);
  });
  app.openapi(remove, async (c) => {
    assertPlatformAdmin(deps, c.get("principal"));
    await deleteOrganization(deps, c.req.valid("param").id);
    return c.body(null, 204);
  });
  return app;
}
