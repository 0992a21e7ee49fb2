/**
 * Error bodies as Laravel APIs write them, for seed 003's profile: a request that fails its
 * rules is 422 `{"message": "The given data was invalid.", "errors": {"<field>": ["The <field>
 * field is required.", …]}}` (Laravel's wording, fields named with spaces); a missing token is
 * 401 `{"message": "Missing Bearer Token"}`; the rest is `{"success": false, "message"}`.
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { core } from "zod";
import { ServiceError } from "../../model/index.js";
import { toErrorResponse } from "../errors.js";
import { InvalidRequest } from "./kit.js";

export const laravelValidationBody = z
  .object({ message: z.string(), errors: z.record(z.string(), z.array(z.string())) })
  .openapi("Seed003ValidationError");
export const laravelMessageBody = z.object({ message: z.string() }).openapi("Seed003Unauthenticated");
export const failureBody = z
  .object({ success: z.literal(false), message: z.string() })
  .openapi("Seed003Failure");

type Issue = core.$ZodIssue & { minimum?: unknown; maximum?: unknown; origin?: string; expected?: string };
type FieldErrors = Record<string, string[]>;

/** The fields whose numeric rule is Laravel's `between` (its message names both bounds). */
const BETWEEN: Record<string, [number, number]> = { timeout: [5, 120], max_retries: [0, 10] };

const TYPE_WORDS: Record<string, string> = {
  string: "a string",
  number: "an integer",
  int: "an integer",
  boolean: "true or false",
  array: "an array",
};

function rule(attr: string, field: string, i: Issue): string {
  const f = `The ${attr} field`;
  if (i.code === "invalid_type") {
    return i.message.endsWith("received undefined")
      ? `${f} is required.`
      : `${f} must be ${TYPE_WORDS[i.expected ?? ""] ?? "valid"}.`;
  }
  const between = BETWEEN[field];
  if ((i.code === "too_small" || i.code === "too_big") && i.origin === "number" && between) {
    return `${f} must be between ${between[0]} and ${between[1]}.`;
  }
  if (i.code === "too_small") {
    if (i.origin === "array") return `${f} must contain at least ${i.minimum} items.`;
    return i.origin === "string"
      ? `${f} must be at least ${i.minimum} characters.`
      : `${f} must be at least ${i.minimum}.`;
  }
  if (i.code === "too_big") {
    if (i.origin === "array") return `${f} must not have more than ${i.maximum} items.`;
    return i.origin === "string"
      ? `${f} must not be greater than ${i.maximum} characters.`
      : `${f} must not be greater than ${i.maximum}.`;
  }
  return `${f} is invalid.`;
}

/** `errors` for zod issues: keyed by field (`events.0` for an entry), Laravel's messages. */
export function fieldErrors(err: InvalidRequest): FieldErrors {
  // A Map, then own properties: a field named `__proto__` must stay a field.
  const out = new Map<string, string[]>();
  const add = (key: string, msg: string) => out.set(key, [...(out.get(key) ?? []), msg]);
  for (const issue of err.error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const k of issue.keys) add(k, `The ${k.replaceAll("_", " ")} field is prohibited.`);
      continue;
    }
    const key = issue.path.map(String).join(".");
    add(key, rule(key.replaceAll("_", " "), String(issue.path[0] ?? ""), issue as Issue));
  }
  return Object.fromEntries(out);
}

export const invalidData = (c: Context, errors: FieldErrors) =>
  c.json({ message: "The given data was invalid.", errors }, 422);

/** The service's refusal of a request field, as that field's Laravel error (thrown by the routes). */
export class FieldRefusal extends Error {
  constructor(readonly errors: FieldErrors) {
    super("The given data was invalid.");
  }
}

/**
 * `err` as a FieldRefusal when the service refused the URL, the secret or event types (those
 * named by their index in `events`, as Laravel's `events.*` rule does); otherwise as is.
 */
export function asFieldRefusal(err: unknown, events: readonly string[] = []): unknown {
  if (!(err instanceof ServiceError)) return err;
  if (err.code === "invalid_url") {
    return new FieldRefusal({ webhook_url: [`The webhook url ${err.message.replace(/^url /, "")}.`] });
  }
  if (err.code === "invalid_secret") return new FieldRefusal({ webhook_secret: [`${err.message}.`] });
  if (err.code !== "invalid_event_types") return err;
  const details = (err.details ?? {}) as { unknown?: string[]; invalid?: string[] };
  const bad = new Set([...(details.unknown ?? []), ...(details.invalid ?? [])]);
  const out: FieldErrors = {};
  events.forEach((e, i) => {
    if (bad.has(e)) out[`events.${i}`] = [`The selected events.${i} is invalid.`];
  });
  return new FieldRefusal(
    Object.keys(out).length > 0 ? out : { events: ["The selected events is invalid."] },
  );
}

export function laravelError(err: unknown, c: Context): Response {
  if (err instanceof InvalidRequest) return invalidData(c, fieldErrors(err));
  if (err instanceof FieldRefusal) return invalidData(c, err.errors);
  if (err instanceof ServiceError) {
    if (err.status === 401) {
      const bearer = /^Bearer\s+\S/i.test(c.req.header("authorization") ?? "");
      return c.json({ message: bearer ? "Unauthenticated." : "Missing Bearer Token" }, 401);
    }
    const message = err.code === "not_found" ? "Webhook not found." : err.message;
    return c.json({ success: false, message }, err.status as ContentfulStatusCode);
  }
  if (err instanceof HTTPException && err.status < 500) {
    const message =
      err.status === 400 ? "The request body is not valid JSON." : err.message || "Bad request.";
    return c.json({ success: false, message }, err.status);
  }
  return toErrorResponse(err, c);
}
