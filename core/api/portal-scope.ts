/**
 * The portal session gate: one middleware after authentication on /v1/*. API keys pass
 * through untouched. A session token gets:
 *
 * - 403 for every route its capabilities do not allow, and for every route the table in
 *   core/portal/capabilities.ts does not list (closed by default);
 * - its agent and event-type scope enforced like tenant isolation: another agent's (or an
 *   unlisted type's) endpoint or event is 404, lists leave them out, and endpoint bodies
 *   are pinned to the session's agent and types.
 */
import type { Context, MiddlewareHandler } from "hono";
import { notFound, type PortalScope, ServiceError, validationError } from "../model/index.js";
import {
  allowsAgent,
  allowsType,
  assertEndpointVisible,
  assertEventVisible,
  assertTaskVisible,
  endpointFilter,
  matchRoute,
  taskVisible,
  type VisibilityDeps,
  visibleEndpointIds,
} from "../portal/index.js";
import type { ApiEnv } from "./env.js";

type Ctx = Context<ApiEnv>;
type Json = Record<string, unknown>;

export function portalScopeMiddleware(deps: VisibilityDeps): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const principal = c.get("principal");
    const scope = principal.portal;
    if (!scope) return next();
    const match = matchRoute(c.req.method, c.req.path);
    if (!match) throw new ServiceError(403, "forbidden", "portal sessions may not call this route");
    if (!scope.capabilities.includes(match.capability)) {
      throw new ServiceError(
        403,
        "capability_required",
        `this session lacks the ${match.capability} capability`,
      );
    }
    const org = principal.orgId;
    const { id, endpoint_id } = match.params;
    const path = c.req.path;
    if (path.startsWith("/v1/webhook-endpoints/") && id) await assertEndpointVisible(deps, org, scope, id);
    if (endpoint_id) await assertEndpointVisible(deps, org, scope, endpoint_id);
    if (path.startsWith("/v1/events/") && id) await assertEventVisible(deps, org, scope, id);
    if (path.startsWith("/v1/tasks/") && id) await assertTaskVisible(deps, org, scope, id);
    if (match.params.name !== undefined && !allowsType(scope, match.params.name))
      throw notFound("event type");
    if (c.req.method === "POST" && path.endsWith("/test")) await checkTestType(c, scope);
    await next();
    if (c.req.method === "GET" && c.res.status === 200) await filterResponse(c, deps, org, scope, path);
  };
}

/**
 * A test event's type must be one the session may see. The body is read as JSON whatever its
 * content-type says (any casing, parameters, `+json`, or none): what the route parses is what
 * is checked (Hono keeps the body, so the route reads it again).
 */
async function checkTestType(c: Ctx, scope: PortalScope) {
  if (scope.eventTypes === null) return;
  const body = (await c.req.json().catch(() => undefined)) as Json | undefined;
  const type = body && typeof body === "object" ? body.event_type : undefined;
  if (typeof type === "string" && !allowsType(scope, type)) {
    throw validationError(`this session may not send ${type} events`);
  }
}

/** Leaves out of a 200 list what the session may not see. */
async function filterResponse(c: Ctx, deps: VisibilityDeps, org: string, scope: PortalScope, path: string) {
  // Tasks are filtered for every session: only recovers and replays of its endpoints show.
  if (path !== "/v1/tasks" && scope.agentId === null && scope.eventTypes === null) return;
  const keep = await listFilter(deps, org, scope, path);
  if (!keep) return;
  const body = (await c.res.clone().json()) as Json;
  const out = keep(body);
  const headers = new Headers(c.res.headers);
  headers.delete("content-length");
  c.res = new Response(JSON.stringify(out), { status: 200, headers });
}

async function listFilter(
  deps: VisibilityDeps,
  org: string,
  scope: PortalScope,
  path: string,
): Promise<((body: Json) => Json) | undefined> {
  const data = (pred: (x: Json) => boolean) => (body: Json) => ({
    ...body,
    data: (body.data as Json[]).filter(pred),
  });
  if (path === "/v1/webhook-endpoints") return data((e) => allowsAgent(scope, e.agent_id as string | null));
  if (path === "/v1/tasks") {
    const visible = await endpointFilter(deps, org, scope);
    return data((t) => taskVisible(t as Parameters<typeof taskVisible>[0], scope, visible));
  }
  if (path === "/v1/event-types") return data((t) => allowsType(scope, t.name as string));
  if (path === "/v1/events") {
    return data(
      (m) => allowsAgent(scope, (m.agent_id as string | null) ?? null) && allowsType(scope, m.type as string),
    );
  }
  if (scope.agentId === null) return undefined;
  // Another agent's endpoints may have received an org-wide event too: hide their rows.
  const visible = () => visibleEndpointIds(deps, org, scope);
  if (/^\/v1\/events\/[^/]+\/attempts$/.test(path)) {
    const ids = await visible();
    return data((a) => ids.has(a.endpoint_id as string));
  }
  if (/^\/v1\/events\/[^/]+$/.test(path)) {
    const ids = await visible();
    return (body) => ({
      ...body,
      deliveries: (body.deliveries as Json[]).filter((d) => ids.has(d.endpoint_id as string)),
    });
  }
  return undefined;
}
