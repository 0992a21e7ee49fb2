/** /v1/api-keys: admins create (raw key shown once), list and revoke their organization's keys. */
import { createApiKey, listKeys, revokeKey } from "../../auth/index.js";
import type { ApiContext } from "../context.js";
import { pageBody, pageOf, pageQuery, paginationQuery } from "../pagination.js";
import { ok, routes } from "../route-spec.js";
import { createRouter, orgOf } from "../router.js";
import { apiKeyInfo, createApiKeyBody, createdApiKey, keyIdParam } from "../schemas/api-keys.js";

const route = routes("API keys");

const create = route.post("/api-keys", "admin", "createApiKey", {
  request: { body: createApiKeyBody },
  responses: ok(201, "Created", createdApiKey).errors(400, 403, 413, 415),
});

const list = route.get("/api-keys", "admin", "listApiKeys", {
  request: { query: paginationQuery },
  responses: ok(200, "A page of keys", pageOf(apiKeyInfo)).errors(400, 403),
});

const revoke = route.delete("/api-keys/{id}", "admin", "revokeApiKey", {
  request: { params: keyIdParam },
  responses: ok(204, "Revoked").errors(403, 404),
});

export function apiKeysRoutes(deps: ApiContext) {
  const app = createRouter();
  app.openapi(create, async (c) => {
    const body = c.req.valid("json");
    const { key, raw } = await createApiKey(deps, orgOf(c), body);
    return c.json({ ...key, key: raw }, 201);
  });
  app.openapi(list, async (c) => {
    const { limit, cursor } = pageQuery(c.req.valid("query"));
    const page = await listKeys(deps, orgOf(c), limit, cursor);
    return c.json(pageBody(page.keys, page.last), 200);
  });
  app.openapi(revoke, async (c) => {
    await revokeKey(deps, orgOf(c), c.req.valid("param").id);
    return c.body(null, 204);
  });
  return app;
}
