/**
 * `routes(tag).post(path, role, operationId, spec)`: one API route as @hono/zod-openapi's
 * `createRoute` config, with what every route repeats filled in: the tag, the role check as
 * middleware, JSON bodies, the answers (`ok(…).errors(…)`, where 401 and 500 are always
 * listed), and the operation's summary and description from operation-docs.json (the API
 * reference's text, one entry per operationId: a route without one does not compile).
 * Method, path, role and operationId stay on the route's first line; docs/design.md "Routes"
 * says how to add one.
 *
 * The return type is spelled out (not `RouteConfig`) so that `app.openapi(route, handler)`
 * still types the handler's `c.req.valid(…)` and `c.json(…, status)` from the schemas.
 */
import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { ZodObject, ZodType } from "zod";
import type { Role } from "../model/index.js";
import { requireRole } from "./auth.js";
import type { ApiEnv } from "./env.js";
import { type ErrorCode, type ErrorResponses, errorResponses } from "./errors.js";
import docs from "./operation-docs.json" with { type: "json" };
import { emptyBodyAsObject } from "./optional-body.js";
import { json } from "./router.js";

type Method = "get" | "post" | "patch" | "put" | "delete";
type Json<T> = { "application/json": { schema: T } };
type Success<S extends number, Z> = Z extends ZodType
  ? { [K in S]: { description: string; content: Json<Z> } }
  : { [K in S]: { description: string } };

/**
 * A route's answers: `ok(201, "Created", schema).errors(400, 403)`. Without a schema the
 * answer has no body (204). 401 and 500 are added to the errors: every route can answer them.
 */
export function ok<const S extends 200 | 201 | 202 | 204, Z extends ZodType | undefined = undefined>(
  status: S,
  description: string,
  schema?: Z,
) {
  const success = { [status]: schema ? { description, content: json(schema) } : { description } };
  return {
    errors: <const E extends ErrorCode>(...codes: E[]) =>
      ({ ...success, ...errorResponses(...codes) }) as Success<S, Z> & ErrorResponses<E | 401 | 500>,
  };
}

/**
 * The request's path and query parameters, the headers it reads (documented; schemas that
 * never refuse, so a header the route ignores cannot fail it), and its JSON body
 * (`optionalBody`: one it may leave out, even with `content-type: application/json`: such a
 * route reads an empty body as `{}`).
 */
export interface RequestSpec {
  params?: ZodObject;
  query?: ZodObject;
  headers?: ZodObject;
  body?: ZodType;
  optionalBody?: ZodType;
}

/** An operation of the API: its entry in operation-docs.json. */
export type OperationId = keyof typeof docs;

export interface RouteSpec {
  request?: RequestSpec;
  /** Middleware that runs after the role check (and before validation). */
  use?: readonly MiddlewareHandler[];
  responses: RouteConfig["responses"];
}

/** `public`: no API key (`security: []`) and no role check. */
export type Access = Role | "public";

type None = Record<never, never>;
type Part<S, K extends string> = S extends { [P in K]: infer T extends ZodObject } ? { [P in K]: T } : None;
type BodyOf<S> = S extends { body: infer B extends ZodType }
  ? { body: { required: true; content: Json<B> } }
  : S extends { optionalBody: infer B extends ZodType }
    ? { body: { required: false; content: Json<B> } }
    : None;

/** A misspelt key (`param:`) is an error, not a part silently left out of the route. */
type Exact<S extends RouteSpec> = S & { [K in Exclude<keyof S, keyof RouteSpec>]: never };

/** The `createRoute` config of this spec, with every schema's type kept. */
export type RouteOf<M extends Method, P extends string, S extends RouteSpec> = {
  method: M;
  path: P;
  operationId: string;
  description: string;
  tags: string[];
  summary: string;
  security?: [];
  middleware?: MiddlewareHandler<ApiEnv>[];
  request: Part<S["request"], "params"> &
    Part<S["request"], "query"> &
    Part<S["request"], "headers"> &
    BodyOf<S["request"]>;
  responses: S["responses"];
};

function defineRoute<M extends Method, P extends string, S extends RouteSpec>(
  method: M,
  path: P,
  access: Access,
  operationId: OperationId,
  tags: string[],
  spec: S,
): RouteOf<M, P, S> {
  const { summary, description } = docs[operationId];
  const { responses } = spec;
  const { params, query, headers, body, optionalBody } = spec.request ?? {};
  // Every route whose body is optional accepts an empty one, whatever its content-type says.
  const use = [...(optionalBody ? [emptyBodyAsObject] : []), ...(spec.use ?? [])];
  const request: Record<string, unknown> = {};
  if (params) request.params = params;
  if (query) request.query = query;
  if (headers) request.headers = headers;
  if (body) request.body = { required: true, content: json(body) };
  if (optionalBody) request.body = { required: false, content: json(optionalBody) };
  return createRoute({
    method,
    path,
    operationId,
    description,
    tags,
    summary,
    ...(access === "public" ? { security: [] } : { middleware: [requireRole(access), ...use] }),
    ...(Object.keys(request).length > 0 ? { request } : {}),
    responses,
  }) as unknown as RouteOf<M, P, S>;
}

const method =
  <M extends Method>(m: M, tags: string[]) =>
  <const P extends string, const S extends RouteSpec>(
    path: P,
    access: Access,
    operationId: OperationId,
    spec: Exact<S>,
  ) =>
    defineRoute(m, path, access, operationId, tags, spec);

/** The route builders of one tag: `routes("Events").post("/events", "member", "publishEvent", { … })`. */
export function routes(tag: string) {
  const tags = [tag];
  return {
    get: method("get", tags),
    post: method("post", tags),
    patch: method("patch", tags),
    put: method("put", tags),
    delete: method("delete", tags),
  };
}
