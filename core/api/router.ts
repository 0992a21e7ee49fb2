/**
 * `createRouter()`: an OpenAPIHono router whose request validation failures become
 * `400 validation_error` with details. Mounted routers inherit the app's hook anyway; using
 * this keeps a router correct when it is tested on its own.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { ZodError } from "zod";
import { mayReadSecrets, type Principal, validationError } from "../model/index.js";
import { redactHeaders } from "../outbound/index.js";
import type { ApiEnv } from "./env.js";
import { zodDetails } from "./errors.js";

export function validationHook(result: { success: true } | { success: false; error: ZodError }): void {
  if (!result.success) throw validationError("request is invalid", zodDetails(result.error));
}

export function createRouter(): OpenAPIHono<ApiEnv> {
  return new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
}

/** A JSON body or response of this schema, as a route's `content`. */
export const json = <T>(schema: T) => ({ "application/json": { schema } });

/** The caller's organization (the auth middleware sets the principal). */
export const orgOf = (c: { get(k: "principal"): { orgId: string } }) => c.get("principal").orgId;

/**
 * The event types a type-scoped portal session may see, as an option for the services that
 * read or resend an endpoint's mixed-type deliveries (`{}` for API keys and unscoped sessions).
 */
export const typeScope = (c: {
  get(k: "principal"): { portal?: { eventTypes: string[] | null } };
}): { eventTypes?: readonly string[] } => {
  const types = c.get("principal").portal?.eventTypes;
  return types ? { eventTypes: types } : {};
};

/**
 * Custom headers as the caller may see them, wherever a response shows them (an endpoint's
 * view, an attempt's rebuilt request): credential values (core/outbound/headers.ts) only to
 * callers that may read secrets (`mayReadSecrets`), REDACTED to the others.
 */
export const headersShownTo = (c: {
  get(k: "principal"): Pick<Principal, "role" | "portal">;
}): ((headers: Record<string, string>) => Record<string, string>) =>
  mayReadSecrets(c.get("principal")) ? (headers) => headers : redactHeaders;
