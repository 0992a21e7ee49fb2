/**
 * Seed 003 (talkover.ai): `/api/v1/agents/{agent_id}/webhooks` as its page documents it:
 * Bearer token (401 `{"message": "Missing Bearer Token"}`), an agent UUID in the path (404
 * `{"success": false, "message": "Agent not found in this environment."}` otherwise), answers
 * `{"success", "message", "data"}` with a UUID `id`, `name`, `webhook_url`, `events`,
 * `timeout` (s), `events_count`, microsecond timestamps; the page's validation rules with
 * Laravel's 422 body; `webhook_secret` as the raw HMAC key. Also list, read, update, delete and
 * the test event of one webhook, in the same terms. docs/seeds.md.
 */
import type { Context } from "hono";
import { sendTestEvent } from "../../events/index.js";
import { ServiceError } from "../../model/index.js";
import type { ApiContext } from "../context.js";
import type { ApiEnv } from "../env.js";
import { orgOf } from "../router.js";
import { profileEndpoints } from "./endpoints.js";
import type { ApiProfile } from "./kit.js";
import { profileRouter } from "./kit.js";
import { asFieldRefusal, laravelError } from "./laravel-errors.js";
import { PREFIX, routes, TAG, view, type WebhookBody } from "./seed-003-routes.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The path's agent: a UUID, as the page's agents are (hookrelay stores no agents). */
function agentOf(c: Context): string {
  const agent = c.req.param("agent_id") ?? "";
  if (!UUID.test(agent))
    throw new ServiceError(404, "agent_not_found", "Agent not found in this environment.");
  return agent;
}

/** The canonical settings of a body (only the fields it has). */
function settingsOf(body: WebhookBody) {
  return {
    ...(body.name === undefined ? {} : { label: body.name }),
    ...(body.webhook_url === undefined ? {} : { url: body.webhook_url }),
    ...(body.events === undefined ? {} : { event_types: body.events }),
    ...(body.timeout === undefined ? {} : { timeout_ms: body.timeout * 1000 }),
    ...(body.max_retries === undefined ? {} : { max_retries: body.max_retries }),
    ...(body.enabled === undefined
      ? {}
      : { status: body.enabled ? ("active" as const) : ("disabled" as const) }),
  };
}

const ok = <T>(message: string, data: T) => ({ success: true as const, message, data });

/** The path's webhook: its UUID (404 when absent or another agent's). */
const webhookRef = (c: Context) => ({ uuid: c.req.param("webhook_id") ?? "" });

function seed003Routes(deps: ApiContext) {
  const app = profileRouter();
  /** The path's agent's endpoints (404 first when the path's agent is not a UUID). */
  const agents = (c: Context<ApiEnv>) => profileEndpoints(deps, c, agentOf(c));
  app.openapi(routes.create, async (c) => {
    const body = c.req.valid("json");
    const { endpoint } = await agents(c)
      .create({
        url: body.webhook_url,
        ...settingsOf({ timeout: 30, max_retries: 3, enabled: true, ...body }),
        ...(body.webhook_secret === undefined ? {} : { rawSecret: body.webhook_secret }),
      })
      .catch((e) => {
        throw asFieldRefusal(e, body.events);
      });
    return c.json(ok("Webhook created successfully", view(endpoint)), 201);
  });
  app.openapi(routes.list, async (c) => {
    const mine = await agents(c).list();
    return c.json(ok("Webhooks retrieved successfully", mine.map(view)), 200);
  });
  app.openapi(routes.get, async (c) => {
    const rec = await agents(c).find(webhookRef(c));
    return c.json(ok("Webhook retrieved successfully", view(rec)), 200);
  });
  for (const route of [routes.update, routes.replace]) {
    app.openapi(route, async (c) => {
      const body = c.req.valid("json");
      const updated = await agents(c)
        .update(webhookRef(c), settingsOf(body))
        .catch((e) => {
          throw asFieldRefusal(e, body.events);
        });
      return c.json(ok("Webhook updated successfully", view(updated)), 200);
    });
  }
  app.openapi(routes.remove, async (c) => {
    await agents(c).remove(webhookRef(c));
    return c.json({ success: true as const, message: "Webhook deleted successfully" }, 200);
  });
  app.openapi(routes.test, async (c) => {
    const rec = await agents(c).find(webhookRef(c));
    const sent = await sendTestEvent(deps, orgOf(c), rec.id);
    return c.json(ok("Test webhook sent successfully", { message_id: sent.message_id }), 200);
  });
  return app;
}

export const seed003: ApiProfile = {
  prefix: PREFIX,
  tag: {
    name: TAG,
    description:
      "For clients of talkover.ai's agent webhooks: `{success, message, data}` answers, UUID ids, Laravel 422 errors (docs/seeds.md).",
  },
  routes: seed003Routes,
  error: laravelError,
};
