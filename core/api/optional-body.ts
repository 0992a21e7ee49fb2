/**
 * For routes whose JSON body is optional: an empty body is read as `{}`, so a client that
 * always sends `content-type: application/json` is not refused for sending nothing.
 * Route middleware runs before the route's validators, which then see `{}`.
 */
import { createMiddleware } from "hono/factory";

export const emptyBodyAsObject = createMiddleware(async (c, next) => {
  const type = (c.req.header("content-type") ?? "").toLowerCase();
  if (type.startsWith("application/json") && (await c.req.raw.clone().text()).trim() === "") {
    c.req.raw = new Request(c.req.raw, { body: "{}" });
  }
  await next();
});
