/** Placeholder: replaced by the deliveries routes. */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Deps } from "../../deps.js";
import type { ApiEnv } from "../env.js";

export function deliveriesRoutes(_deps: Deps): OpenAPIHono<ApiEnv> {
  return new OpenAPIHono<ApiEnv>();
}
