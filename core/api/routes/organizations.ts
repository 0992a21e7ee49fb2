/**
 * /v1/organizations: the platform operator creates tenants (each with a first admin key,
 * returned once) and lists them. Only admins of the platform organization may call these.
 */
import { createRoute } from "@hono/zod-openapi";
import type { Deps } from "../../deps.js";
import { deleteOrganization } from "../../orgs/delete.js";
import {
  assertPlatformAdmin,
  createOrganization,
  getOrganization,
  listOrganizations,
} from "../../orgs/service.js";
import { requireRole } from "../auth.js";
import { errorResponses } from "../errors.js";
import { decodeCursor, encodeCursor, pageOf, paginationQuery } from "../pagination.js";
import { createRouter, json } from "../router.js";
import {
  createdOrganization,
  createOrganizationBody,
  organization,
  orgIdParam,
} from "../schemas/organizations.js";

const create = createRoute({
  method: "post",
  path: "/organizations",
  operationId: "createOrganization",
  description:
    "Creates a tenant organization and its first admin API key, returned once in `api_key.key`. Only admins of the platform organization (`PLATFORM_ORG_ID`) may call it; 409 `organization_exists` when the id is taken.",
  tags: ["Organizations"],
  summary: "Create an organization with its first admin key (platform admins only)",
  middleware: [requireRole("admin")] as const,
  request: { body: { required: true, content: json(createOrganizationBody) } },
  responses: {
    201: { description: "Created; `api_key.key` is shown only here", content: json(createdOrganization) },
    ...errorResponses(400, 403, 409, 413, 415),
  },
});

const list = createRoute({
  method: "get",
  path: "/organizations",
  operationId: "listOrganizations",
  description: "Lists the tenant organizations, oldest first, cursor-paginated. Platform admins only.",
  tags: ["Organizations"],
  summary: "List organizations (platform admins only)",
  middleware: [requireRole("admin")] as const,
  request: { query: paginationQuery },
  responses: {
    200: { description: "A page of organizations", content: json(pageOf(organization)) },
    ...errorResponses(400, 403),
  },
});

const get = createRoute({
  method: "get",
  path: "/organizations/{id}",
  operationId: "getOrganization",
  description: "One organization by id. Platform admins only; 404 for an unknown id.",
  tags: ["Organizations"],
  summary: "Get an organization (platform admins only)",
  middleware: [requireRole("admin")] as const,
  request: { params: orgIdParam },
  responses: {
    200: { description: "The organization", content: json(organization) },
    ...errorResponses(403, 404),
  },
});

const remove = createRoute({
  method: "delete",
  path: "/organizations/{id}",
  operationId: "deleteOrganization",
  description:
    "Deletes a tenant organization: its API keys and portal sessions stop working, its endpoints are removed, and its data key is deleted, so its stored signing secrets are unreadable from then on (backups included). Events and attempts expire with their retention; the id is never reused. Platform admins only; 409 `platform_organization` for the platform organization itself.",
  tags: ["Organizations"],
  summary: "Delete an organization (platform admins only)",
  middleware: [requireRole("admin")] as const,
  request: { params: orgIdParam },
  responses: {
    204: { description: "Deleted" },
    ...errorResponses(403, 404, 409),
  },
});

export function organizationsRoutes(deps: Deps) {
  const app = createRouter();
  app.openapi(create, async (c) => {
    assertPlatformAdmin(deps, c.get("principal"));
    const { organization: org, key, raw } = await createOrganization(deps, c.req.valid("json"));
    return c.json({ ...org, api_key: { ...key, key: raw } }, 201);
  });
  app.openapi(list, async (c) => {
    assertPlatformAdmin(deps, c.get("principal"));
    const q = c.req.valid("query");
    const page = await listOrganizations(deps, q.limit, decodeCursor(q.cursor));
    return c.json({ data: page.organizations, next_cursor: encodeCursor(page.last) }, 200);
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
