/**
 * Authentication (Bearer API key or portal session token → Principal on the context) and
 * role checks. A portal session's capabilities are checked by portal-scope.ts.
 *
 * Roles are ordered admin > member > viewer: viewers read, members also publish events,
 * admins do everything. `requireRole("member")` admits members and admins.
 */
import type { MiddlewareHandler } from "hono";
import { authenticate } from "../auth/api-keys.js";
import type { Deps } from "../deps.js";
import { ServiceError } from "../model/errors.js";
import { authenticateSession } from "../portal/sessions.js";
import { looksLikeToken } from "../portal/token.js";
import type { ApiEnv, Role } from "./env.js";

const rank: Record<Role, number> = { viewer: 0, member: 1, admin: 2 };

/** Puts the caller's Principal on `c.var.principal`; 401 when the key is missing or invalid. */
export function authMiddleware(deps: Deps): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization");
    if (!header) throw new ServiceError(401, "unauthorized", "missing Authorization header");
    const m = /^Bearer +(\S+)\s*$/i.exec(header);
    if (!m?.[1]) throw new ServiceError(401, "unauthorized", "Authorization must be `Bearer <api key>`");
    const raw = m[1];
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
