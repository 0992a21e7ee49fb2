/**
 * Authentication (API key or portal session token, as `Authorization: Bearer …` or
 * `X-API-Key` → Principal on the context) and role checks. A portal session's capabilities
 * are checked by portal-scope.ts.
 *
 * Roles are ordered admin > member > viewer: viewers read, members also publish events,
 * admins do everything. `requireRole("member")` admits members and admins.
 */
import type { MiddlewareHandler } from "hono";
import { authenticate } from "../auth/index.js";
import type { Uses } from "../deps.js";
import { type Role, ServiceError } from "../model/index.js";
import { authenticateSession, looksLikeToken } from "../portal/index.js";
import type { ApiEnv } from "./env.js";

const rank: Record<Role, number> = { viewer: 0, member: 1, admin: 2 };

const unauthorized = (message: string) => new ServiceError(401, "unauthorized", message);

/**
 * The API key of a request: `Authorization: Bearer <key>` or `X-API-Key: <key>` (the header
 * some clients send, docs/seeds.md). Both at once must name the same key.
 */
export function apiKeyOf(authorization: string | undefined, xApiKey: string | undefined): string {
  let bearer: string | undefined;
  if (authorization !== undefined) {
    bearer = /^Bearer +(\S+)\s*$/i.exec(authorization)?.[1];
    if (!bearer) throw unauthorized("Authorization must be `Bearer <api key>`");
  }
  const apiKey = xApiKey?.trim();
  if (xApiKey !== undefined && !apiKey) throw unauthorized("X-API-Key is empty");
  if (bearer && apiKey && bearer !== apiKey) {
    throw unauthorized("Authorization and X-API-Key name different keys: send one");
  }
  const key = bearer ?? apiKey;
  if (!key) throw unauthorized("missing Authorization header (or X-API-Key)");
  return key;
}

/** Puts the caller's Principal on `c.var.principal`; 401 when the key is missing or invalid. */
export function authMiddleware(
  deps: Uses<"apiKeyStore" | "config" | "now" | "portalSessionStore">,
): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const raw = apiKeyOf(c.req.header("authorization"), c.req.header("x-api-key"));
    c.set(
      "principal",
      looksLikeToken(raw) ? await authenticateSession(deps, raw) : await authenticate(deps, raw),
    );
    await next();
  };
}

/** True when `role` may act where `needed` is required (admin > member > viewer). */
export function roleAllows(role: Role, ...needed: Role[]): boolean {
  const min = Math.min(...needed.map((r) => rank[r]));
  return rank[role] >= min;
}

/**
 * Route middleware: 403 unless the caller's role is one of `roles` or ranks above the lowest
 * of them. Use in `createRoute({ middleware: [requireRole("admin")] as const, … })`.
 */
export function requireRole(...roles: Role[]): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const principal = c.get("principal");
    if (!principal) throw new ServiceError(401, "unauthorized", "missing API key");
    if (!roleAllows(principal.role, ...roles)) {
      throw new ServiceError(403, "forbidden", `this action requires the ${roles.join(" or ")} role`);
    }
    await next();
  };
}
