/**
 * Portal session capabilities and the one table that says which API route needs which.
 *
 * A route missing from the table is refused to every portal session (403), so a route added
 * later stays closed to sessions until it is listed here on purpose. API keys are not
 * affected: their roles are checked by requireRole as before.
 */
export const CAPABILITIES = [
  "view",
  "manage_endpoints",
  "reveal_secret",
  "rotate_secret",
  "replay",
  "send_test",
] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** What a session gets when its creator names no capabilities: everything but reading secrets. */
export const DEFAULT_CAPABILITIES: readonly Capability[] = CAPABILITIES.filter((c) => c !== "reveal_secret");

/** `METHOD /path` (Hono `:param` form, under /v1) → the capability it needs. */
const ROUTE_CAPABILITIES: Record<string, Capability> = {
  "GET /v1/webhook-endpoints": "view",
  "GET /v1/webhook-endpoints/:id": "view",
  "GET /v1/webhook-endpoints/:id/attempts": "view",
  "GET /v1/webhook-endpoints/:id/stats": "view",
  "GET /v1/event-types": "view",
  "GET /v1/event-types/:name": "view",
  "GET /v1/events": "view",
  "GET /v1/events/:id": "view",
  "GET /v1/events/:id/attempts": "view",
  "GET /v1/events/:id/endpoints/:endpoint_id/attempts/:attempt_id": "view",
  "GET /v1/portal-sessions/current": "view",
  "GET /v1/retention": "view",
  "GET /v1/tasks": "view",
  "GET /v1/tasks/:id": "view",
  "POST /v1/webhook-endpoints": "manage_endpoints",
  "PATCH /v1/webhook-endpoints/:id": "manage_endpoints",
  "DELETE /v1/webhook-endpoints/:id": "manage_endpoints",
  "GET /v1/webhook-endpoints/:id/secret": "reveal_secret",
  "POST /v1/webhook-endpoints/:id/rotate-secret": "rotate_secret",
  "POST /v1/events/:id/endpoints/:endpoint_id/resend": "replay",
  "POST /v1/webhook-endpoints/:id/recover": "replay",
  "POST /v1/webhook-endpoints/:id/replay": "replay",
  "POST /v1/webhook-endpoints/:id/test": "send_test",
};

interface CompiledRoute {
  method: string;
  pattern: RegExp;
  params: string[];
  capability: Capability;
}

const compiled: CompiledRoute[] = Object.entries(ROUTE_CAPABILITIES).map(([key, capability]) => {
  const [method, path] = key.split(" ") as [string, string];
  const params: string[] = [];
  const source = path
    .split("/")
    .map((seg) => {
      if (!seg.startsWith(":")) return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      params.push(seg.slice(1));
      return "([^/]+)";
    })
    .join("/");
  return { method, pattern: new RegExp(`^${source}/?$`), params, capability };
});

export interface RouteMatch {
  capability: Capability;
  params: Record<string, string>;
}

/** The capability a request needs and its path parameters; undefined = closed to sessions. */
export function matchRoute(method: string, path: string): RouteMatch | undefined {
  for (const r of compiled) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    r.params.forEach((name, i) => {
      params[name] = decodeURIComponent(m[i + 1] ?? "");
    });
    return { capability: r.capability, params };
  }
  return undefined;
}

/** The routes the table lists (for the tests that prove every one is enforced). */
export const listedRoutes = (): string[] => Object.keys(ROUTE_CAPABILITIES);
