/**
 * The API, called with the session token as a Bearer header (no cookies: the portal must
 * work in a cross-origin iframe whose browser blocks third-party cookies). The token lives
 * in memory and in the URL fragment, which browsers never send to a server.
 */
import type { EndpointStats as CoreStats } from "../core/delivery/endpoint-stats.js";

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

export interface Session {
  id: string;
  org_id: string;
  agent_id: string | null;
  capabilities: string[];
  event_types: string[] | null;
  expires_at: string;
  return_url: string | null;
  secret_grace_hours: number;
}

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

export interface Endpoint {
  id: string;
  label: string | null;
  description: string | null;
  url: string;
  event_types: string[];
  agent_id: string | null;
  status: "active" | "disabled" | "failing";
  secret_hint: string;
  signing_version: "v1" | "v1a";
  public_key: string | null;
  jwks_url: string | null;
  filter: Record<string, unknown> | null;
  filtered_count: number;
  previous_secret_expires_at: string | null;
  max_retries: number;
  timeout_ms: number;
  headers: Record<string, string>;
  consecutive_failures: number;
  last_delivery_at: string | null;
  last_error: string | null;
  failing_since: string | null;
  first_failure_at?: string | null;
  breaker?: { state: "closed" | "open" | "half-open"; open_until: string | null };
  lane?: "shared" | "slow";
  created_at: string;
  updated_at: string;
}

export interface EventType {
  name: string;
  description: string;
  schema?: Record<string, unknown>;
  examples?: Record<string, unknown>[];
  /** deprecated: still delivered, with a note on what to use instead; archived: no new subscriptions. */
  status?: "active" | "deprecated" | "archived";
  deprecation?: { note: string; deprecated_at: string } | null;
}

export interface Attempt {
  id: string;
  msg_id: string;
  endpoint_id: string;
  event_type: string;
  attempt: number;
  timestamp: string;
  status: "succeeded" | "failed";
  status_code: number | null;
  latency_ms: number;
  response_body: string | null;
  error: string | null;
  trigger: string;
}

/** An attempt with the request it sent (rebuilt by the API; the signature's value is not stored). */
export interface AttemptDetail extends Attempt {
  request: {
    method: "POST";
    url: string;
    headers: Record<string, string>;
    /** null once the event's payload expired or was erased. */
    body: string | null;
    payload: "available" | "expired" | "erased";
    signature_stored: false;
    settings_changed_since: boolean;
  };
}

/** GET /v1/webhook-endpoints/{id}/stats: the API's aggregate (core/delivery/endpoint-stats.ts). */
export type { StatsBucket } from "../core/delivery/endpoint-stats.js";
export type EndpointStats = CoreStats & { truncated: boolean };

export interface EventItem {
  id: string;
  type: string;
  agent_id: string | null;
  /** null once the payload expired or was erased (`payload`). */
  data: unknown;
  created_at: string;
  fanout: string;
  payload: "available" | "expired" | "erased";
  /** When the payload is deleted (the retention, docs/data.md). */
  expires_at: string | null;
}

export interface Delivery {
  endpoint_id: string;
  status: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
  updated_at: string | null;
}

export type EventDetail = EventItem & { deliveries: Delivery[] };

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
