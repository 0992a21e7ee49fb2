/**
 * Error bodies as FastAPI (pydantic) APIs write them, for the profiles of pages made with it
 * (seeds 000 and 004): a request that fails its schema is 422 `{"detail": [{loc, msg, type}]}`
 * with pydantic's `type` names; every other error is `{"detail": "<message>"}` with its status,
 * and a missing key is 401 `{"detail": "Not authenticated"}` (FastAPI's security classes).
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { core } from "zod";
import { ServiceError } from "../../model/index.js";
import { toErrorResponse } from "../errors.js";
import { InvalidRequest } from "./kit.js";

export const validationErrorBody = z
  .object({
    detail: z.array(
      z.object({
        loc: z.array(z.union([z.string(), z.number().int()])),
        msg: z.string(),
        type: z.string(),
      }),
    ),
  })
  .openapi("HTTPValidationError");

export const detailBody = z.object({ detail: z.string() }).openapi("HTTPError");

type Issue = core.$ZodIssue;

/** pydantic's error type and message for a zod issue. */
function pydantic(issue: Issue): { type: string; msg: string } {
  const i = issue as Issue & { minimum?: number; maximum?: number; origin?: string; expected?: string };
  switch (i.code) {
    case "invalid_type":
      if (i.message.endsWith("received undefined")) return { type: "missing", msg: "Field required" };
      return typeError(i.expected);
    case "too_small":
      return i.origin === "number"
        ? { type: "greater_than_equal", msg: `Input should be greater than or equal to ${i.minimum}` }
        : { type: "too_short", msg: `Value should have at least ${i.minimum} items after validation` };
    case "too_big":
      return i.origin === "number"
        ? { type: "less_than_equal", msg: `Input should be less than or equal to ${i.maximum}` }
        : { type: "too_long", msg: `Value should have at most ${i.maximum} items after validation` };
    case "unrecognized_keys":
      return { type: "extra_forbidden", msg: "Extra inputs are not permitted" };
    default:
      return { type: "value_error", msg: i.message };
  }
}

function typeError(expected: string | undefined) {
  if (expected === "number" || expected === "int")
    return { type: "int_type", msg: "Input should be a valid integer" };
  if (expected === "boolean") return { type: "bool_type", msg: "Input should be a valid boolean" };
  if (expected === "array") return { type: "list_type", msg: "Input should be a valid list" };
  if (expected === "object")
    return { type: "model_attributes_type", msg: "Input should be a valid dictionary" };
  return { type: "string_type", msg: "Input should be a valid string" };
}

const place: Record<string, string> = { json: "body", param: "path", query: "query", header: "header" };

/** The 422 body of a failed schema: one entry per issue (one per extra key, as pydantic lists them). */
export function detailOf(err: InvalidRequest) {
  return err.error.issues.flatMap((issue) => {
    const at = [
      place[err.target] ?? err.target,
      ...issue.path.map((p) => (typeof p === "number" ? p : String(p))),
    ];
    const keys = issue.code === "unrecognized_keys" ? issue.keys : [undefined];
    return keys.map((k) => ({ loc: k === undefined ? at : [...at, k], ...pydantic(issue) }));
  });
}

export function fastApiError(err: unknown, c: Context): Response {
  if (err instanceof InvalidRequest) return c.json({ detail: detailOf(err) }, 422);
  if (err instanceof ServiceError) {
    const missingKey = err.status === 401 && !c.req.header("authorization") && !c.req.header("x-api-key");
    return c.json(
      { detail: missingKey ? "Not authenticated" : err.message },
      err.status as ContentfulStatusCode,
    );
  }
  if (err instanceof HTTPException && err.status === 400) {
    return c.json({ detail: [{ type: "json_invalid", loc: ["body", 0], msg: "JSON decode error" }] }, 422);
  }
  if (err instanceof HTTPException && err.status < 500) {
    return c.json({ detail: err.message || "Bad Request" }, err.status);
  }
  return toErrorResponse(err, c);
}
