/**
 * The API profiles (docs/seeds.md): each product page the service was specified from, served at
 * its own paths and in its own shapes over the one endpoint service. `mountProfiles` adds their
 * routes to the app (with authentication, the body limit and the portal gate on the paths that
 * are not under /v1, which has them already); `profileAt` picks the error shape of a path.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { ApiContext } from "../context.js";
import type { ApiEnv } from "../env.js";
import type { ApiProfile } from "./kit.js";
import { seed000 } from "./seed-000.js";
import { seed001 } from "./seed-001.js";
import { seed002 } from "./seed-002.js";
import { seed003 } from "./seed-003.js";
import { seed004 } from "./seed-004.js";

const PROFILES: readonly ApiProfile[] = [seed000, seed001, seed002, seed003, seed004];

/** The profile whose paths `path` is under, if any. */
export function profileAt(path: string): ApiProfile | undefined {
  return PROFILES.find((p) => path === p.prefix || path.startsWith(`${p.prefix}/`));
}

/** Their OpenAPI tags. */
export const profileTags = PROFILES.map((p) => p.tag);

/** Adds every profile's routes; `guard` is what /v1/* runs first (auth, body limit, portal gate). */
export function mountProfiles(
  app: OpenAPIHono<ApiEnv>,
  deps: ApiContext,
  guard: readonly MiddlewareHandler<ApiEnv>[],
): void {
  for (const p of PROFILES) {
    if (!p.prefix.startsWith("/v1/")) {
      for (const path of [p.prefix, `${p.prefix}/*`]) app.use(path, ...guard);
    }
    app.route("/", p.routes(deps));
  }
}
