/** Placeholder: replaced by the events routes. */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Deps } from "../../deps.js";
import type { ApiEnv } from "../env.js";

export function eventsRoutes(_deps: Deps): OpenAPIHono<ApiEnv> {
  return new OpenAPIHono<ApiEnv>();
}
