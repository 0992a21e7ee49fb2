/**
 * The operational events in the OpenAPI document's `webhooks` (OpenAPI 3.1): what the platform
 * organization's endpoints receive for each type, so the reference shows them and the client's
 * generated types include them.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiEnv } from "./env.js";
import { operationalEventBody, operationalTypes } from "./schemas/operational.js";

export function describeOperationalWebhooks(app: OpenAPIHono<ApiEnv>): void {
  for (const t of operationalTypes) {
    app.openAPIRegistry.registerWebhook({
      method: "post",
      path: t.name,
      operationId: t.name.replace(/^hookrelay\./, "").replace(/[._](\w)/g, (_, c: string) => c.toUpperCase()),
      summary: t.name,
      description: `${t.description} Sent to the platform organization's endpoints registered for \`${t.name}\` (docs/operations.md).`,
      tags: ["Operational events"],
      request: { body: { content: { "application/json": { schema: operationalEventBody(t.name) } } } },
      responses: { 200: { description: "Any 2xx acknowledges the event; anything else is retried" } },
    });
  }
}
