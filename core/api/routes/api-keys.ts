/** /v1/api-keys: admins create (raw key shown once), list and revoke their organization's keys. */
import { createRoute } from "@hono/zod-openapi";
import { createApiKey, listKeys, revokeKey } from "../../auth/api-keys.js";
import type { Deps } from "../../deps.js";
import { requireRole } from "../auth.js";
import { errorResponses } from "../errors.js";
import { decodeCursor, encodeCursor, pageOf, paginationQuery } from "../pagination.js";
import { createRouter, json } from "../router.js";
import { apiKeyInfo, createApiKeyBody, createdApiKey, keyIdParam } from "../schemas/api-keys.js";

const create = createRoute({
  method: "post",
  path: "/api-keys",
  operationId: "createApiKey",
  description:
    "Creates an API key of the caller's organization with a role (`admin`, `member`, `viewer`). The raw key is returned once; only its SHA-256 hash is stored. Admin role.",
  tags: ["API keys"],
  summary: "Create an API key (the raw key is returned once)",
  middleware: [requireRole("admin")] as const,
  request: { body: { required: true, content: json(createApiKeyBody) } },
  responses: {
    201: { description: "Created", content: json(createdApiKey) },
    ...errorResponses(400, 403, 413, 415),
  },
});

const list = createRoute({
  method: "get",
  path: "/api-keys",
  operationId: "listApiKeys",
  description:
    "The organization's API keys with their role, mode and a short `prefix`; never the keys themselves. Admin role.",
  tags: ["API keys"],
  summary: "List API keys (never the keys themselves)",
  middleware: [requireRole("admin")] as const,
  request: { query: paginationQuery },
  responses: {
    200: { description: "A page of keys", content: json(pageOf(apiKeyInfo)) },
    ...errorResponses(400, 403),
  },
});

const revoke = createRoute({
  method: "delete",
  path: "/api-keys/{id}",
  operationId: "revokeApiKey",
  description: "Revokes a key: it stops working at once and can never be registered again. Admin role.",
  tags: ["API keys"],
  summary: "Revoke an API key",
  middleware: [requireRole("admin")] as const,
  request: { params: keyIdParam },
  responses: { 204: { description: "Revoked" }, ...errorResponses(403, 404) },
});

export function apiKeysRoutes(deps: Deps) {
  const app = createRouter();
  app.openapi(create, async (c) => {
    const body = c.req.valid("json");
    const { key, raw } = await createApiKey(deps, c.get("principal").orgId, body);
    return c.json({ ...key, key: raw }, 201);
  });
  app.openapi(list, async (c) => {
    const q = c.req.valid("query");
    const page = await listKeys(deps, c.get("principal").orgId, q.limit, decodeCursor(q.cursor));
    return c.json({ data: page.keys, next_cursor: encodeCursor(page.last) }, 200);
  });
  app.openapi(revoke, async (c) => {
    await revokeKey(deps, c.get("principal").orgId, c.req.valid("param").id);
    return c.body(null, 204);
  });
  return app;
}
