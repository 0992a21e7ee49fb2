/**
 * What every API profile is made of (docs/seeds.md): a profile serves one product page's
 * routes at that page's paths and answers in its shapes (envelope, field names, error bodies),
 * as a thin adapter over the endpoint service, so an endpoint made through any profile is the
 * same endpoint in /v1/webhook-endpoints. A profile is a router plus an error mapping; this
 * module gives it the router whose validation failures keep their zod issues (for the profiles
 * that word them their own way; those answering in this API's shape use `createRouter` and
 * `toErrorResponse`, as /v1 does) and the route builder that adds its tag and role check.
 */
import { createRoute, OpenAPIHono, type RouteConfig } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ZodError } from "zod";
import type { Role } from "../../model/index.js";
import { requireRole } from "../auth.js";
import type { ApiContext } from "../context.js";
import type { ApiEnv } from "../env.js";
import { json } from "../router.js";

/** A request that failed its route's schema: the issues as zod gives them, and where. */
export class InvalidRequest extends Error {
  constructor(
    readonly error: ZodError,
    readonly target: string,
  ) {
    super("request is invalid");
  }
}

export interface ApiProfile {
  /** The first segments of every path it serves; errors under them answer in its shape. */
  prefix: string;
  /** Its OpenAPI tag. */
  tag: { name: string; description: string };
  routes(deps: ApiContext): OpenAPIHono<ApiEnv>;
  /** Its answer to anything thrown under `prefix` (authentication included). */
  error(err: unknown, c: Context): Response;
}

/** A router whose request validation failures are thrown as InvalidRequest. */
export function profileRouter(): OpenAPIHono<ApiEnv> {
  return new OpenAPIHono<ApiEnv>({
    defaultHook: (result) => {
      if (!result.success) throw new InvalidRequest(result.error, result.target);
    },
  });
}

/** A route of a profile: `createRoute` with the profile's tag and the role check. */
export function profileRoute<
  const R extends Omit<RouteConfig, "tags" | "middleware"> & { summary: string; description: string },
>(tag: string, role: Role, route: R) {
  return createRoute({ ...route, tags: [tag], middleware: [requireRole(role)] as const });
}

/** A JSON response description. */
export const answer = <T>(description: string, schema: T) => ({ description, content: json(schema) });

/** An ISO 8601 timestamp (as stored) in the form `2026-03-16T10:00:00` (seconds, UTC, no zone). */
export const naiveSeconds = (iso: string) => iso.slice(0, 19);

/** An ISO 8601 timestamp in the form `2025-09-03T23:19:51.000000Z` (microseconds). */
export const microseconds = (iso: string) => `${iso.slice(0, 19)}.${iso.slice(20, 23).padEnd(3, "0")}000Z`;
