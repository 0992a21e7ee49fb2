/**
 * The one error shape of the API, `{ "error": { "code", "message", "details"? } }`, as a zod
 * schema (so it appears in the OpenAPI document) and the mapping from thrown errors to it.
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";
import { logger } from "../log/index.js";
import { API_ERROR_CODES, type ApiErrorCode, ServiceError } from "../model/index.js";

/** The error codes and their meanings, as the OpenAPI document lists them. */
const codeList = Object.entries(API_ERROR_CODES)
  .map(([code, meaning]) => `- \`${code}\` — ${meaning}`)
  .join("\n");

export const errorBody = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(API_ERROR_CODES) as [ApiErrorCode, ...ApiErrorCode[]]).openapi({
        description: `What went wrong: one of a fixed list (core/model/errors.ts).\n${codeList}`,
        example: "validation_error",
      }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi("Error");
export type ErrorBody = z.infer<typeof errorBody>;

const descriptions = {
  400: "Invalid request (validation, limits, malformed JSON, unknown fields)",
  401: "Missing, malformed, unknown or revoked API key",
  403: "The API key's role may not perform this action",
  404: "Not found (also for another organization's ids)",
  409: "Conflict with the current state",
  413: "Request body larger than 1 MiB",
  415: "Unsupported media type (send application/json)",
  429: "Too many requests",
  500: "Internal error",
  503: "Service unavailable",
} as const;
export type ErrorCode = keyof typeof descriptions;

export type ErrorResponses<S extends ErrorCode> = {
  [K in S]: { description: string; content: { "application/json": { schema: typeof errorBody } } };
};

/**
 * Declares error responses in `createRoute({ responses: { 200: …, ...errorResponses(400, 404) } })`.
 * 401 and 500 apply to every authenticated route, so they are always included.
 */
export function errorResponses<S extends ErrorCode>(...statuses: S[]): ErrorResponses<S | 401 | 500> {
  const out: Record<number, unknown> = {};
  for (const s of [...statuses, 401, 500] as ErrorCode[]) {
    out[s] = { description: descriptions[s], content: { "application/json": { schema: errorBody } } };
  }
  return out as ErrorResponses<S | 401 | 500>;
}

export function errorJson(code: ApiErrorCode, message: string, details?: unknown): ErrorBody {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}

/** zod issues as `details`: where and what, never the rejected values (they may be secrets). */
export function zodDetails(error: ZodError): { path: string; code: string; message: string }[] {
  return branchIssues(error.issues as Issue[], []).map((i) => ({
    path: i.path.map(String).join("."),
    code: i.code,
    message: i.message,
  }));
}

interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  errors?: Issue[][];
  values?: unknown[];
  options?: unknown[];
}

/**
 * A union's failure (the endpoint body: https or one of the AWS types, by `type`) as the issues
 * of the member the body meant: the one whose `type` matched. "Invalid input" alone says nothing.
 */
function branchIssues(issues: Issue[], prefix: PropertyKey[]): Issue[] {
  return issues.flatMap((i) => {
    const path = [...prefix, ...i.path];
    if (i.code !== "invalid_union" || !i.errors?.length) return [{ ...i, path }];
    const meant = i.errors.filter((branch) => !branch.some(missesType));
    if (meant.length === 1) return branchIssues(meant[0]!, path);
    const types = i.errors
      .flat()
      .flatMap((e) => e.values ?? e.options ?? [])
      .filter((v) => v != null);
    if (meant.length === 0 && types.length > 0) {
      const message = `type must be one of ${[...new Set(types)].join(", ")}`;
      return [{ code: "invalid_value", path: [...path, "type"], message }];
    }
    return [{ ...i, path }];
  });
}

/** An issue saying a union member is not the one meant: its `type` (discriminator) did not match. */
const missesType = (i: Issue) =>
  (i.path.length === 1 && i.path[0] === "type" && i.code === "invalid_value") ||
  (i.code === "invalid_union" && !i.errors?.length);

/** Maps anything thrown by a route or service to the API's error shape. */
export function toErrorResponse(err: unknown, c: Context): Response {
  if (err instanceof ServiceError) {
    return c.json(errorJson(err.code, err.message, err.details), err.status as ContentfulStatusCode);
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    if (status === 400) return c.json(errorJson("malformed_json", "request body is not valid JSON"), 400);
    if (status === 413) return c.json(errorJson("payload_too_large", "request body exceeds 1 MiB"), 413);
    if (status === 415) {
      return c.json(errorJson("unsupported_media_type", "send the body as application/json"), 415);
    }
    if (status === 401) return c.json(errorJson("unauthorized", "missing or invalid API key"), 401);
    if (status < 500) return c.json(errorJson("bad_request", err.message || "bad request"), status);
  }
  // Unknown failures: log the error server-side, answer without internals.
  logger.error("unhandled error", { error: err as Error, path: c.req.path, method: c.req.method });
  return c.json(errorJson("internal_error", "internal error"), 500);
}
