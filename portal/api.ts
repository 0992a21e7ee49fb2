/**
 * The API, called with the session token as a Bearer header (no cookies: the portal must
 * work in a cross-origin iframe whose browser blocks third-party cookies). The token lives
 * in memory and in the URL fragment, which browsers never send to a server.
 */
import type { Schemas } from "../packages/client/src/schemas.js";

export interface ApiError {
  status: number;
  code: string;
  message: string;
  details?: { return_url?: string } & Record<string, unknown>;
}

export class ApiFailure extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
  }
}

/** The portal session the token stands for (GET /v1/portal-sessions/current). */
export type Session = Schemas["CurrentPortalSession"];

type OnUnauthorized = (err: ApiError) => void;

export class Api {
  constructor(
    private readonly token: string,
    private readonly onUnauthorized: OnUnauthorized,
  ) {}

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(`/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
      referrerPolicy: "no-referrer",
    });
    if (res.status === 204) return undefined as T;
    const json = (await res.json().catch(() => null)) as { error?: Omit<ApiError, "status"> } | null;
    if (!res.ok) {
      const err: ApiError = {
        status: res.status,
        code: json?.error?.code ?? "error",
        message: json?.error?.message ?? `HTTP ${res.status}`,
        details: json?.error?.details as ApiError["details"],
      };
      if (res.status === 401) this.onUnauthorized(err);
      throw new ApiFailure(err);
    }
    return json as T;
  }

  get = <T>(path: string) => this.call<T>("GET", path);
  post = <T>(path: string, body?: unknown) => this.call<T>("POST", path, body ?? {});
  patch = <T>(path: string, body: unknown) => this.call<T>("PATCH", path, body);
  del = (path: string) => this.call<void>("DELETE", path);
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/**
 * The API's own types, generated from its OpenAPI document into the client package
 * (`npm run generate`, scripts/openapi.ts): a field the API adds or changes reaches the portal's
 * type checker without a copy here.
 */
export type Endpoint = Schemas["Endpoint"];
/** Where an endpoint delivers: https or an AWS type (docs/destinations.md). */
export type EndpointType = Endpoint["type"];
export type EventType = Schemas["EventType"];
export type Attempt = Schemas["Attempt"];
/** An attempt with the request it sent (rebuilt by the API; the signature's value is not stored). */
export type AttemptDetail = Schemas["AttemptDetail"];
/** GET /v1/webhook-endpoints/{id}/stats: the API's aggregate (core/delivery/endpoint-stats.ts). */
export type EndpointStats = Schemas["EndpointStats"];
export type StatsBucket = EndpointStats["buckets"][number];
export type EventItem = Schemas["Event"];
export type Delivery = Schemas["EndpointDelivery"];
export type EventDetail = Schemas["EventWithDeliveries"];

/** A tracked task (GET /v1/tasks/{id}, docs/tasks.md): a recover or a replay, as a session sees it. */
export interface Task {
  id: string;
  kind: string;
  status: "queued" | "running" | "succeeded" | "failed" | "canceled";
  params: Record<string, unknown>;
  total: number | null;
  done: number;
  failed: number;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/** Every page of a listing, up to `max` items (the catalog and an org's endpoints are small). */
export async function all<T>(api: Api, path: string, max = 500): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const page: Page<T> = await api.get(
      `${path}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    out.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor && out.length < max);
  return out;
}
