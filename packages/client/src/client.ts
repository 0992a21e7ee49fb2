/**
 * The typed API client: openapi-fetch over the types openapi-typescript generates from the
 * service's OpenAPI document (scripts/openapi.ts writes them to ../generated/). Every path,
 * body and response is checked by the compiler; nothing is hand-written per route.
 */
import createFetchClient, { type Client } from "openapi-fetch";
import type { paths } from "./schemas.js";

export type { components, paths, Schemas } from "./schemas.js";
export type HookrelayClient = Client<paths>;

export interface ClientOptions {
  /** Base URL of the service, without /v1 (default: HOOKRELAY_URL). */
  url?: string;
  /** An API key, `sk_live_…` or `sk_test_…` (default: HOOKRELAY_API_KEY). */
  apiKey?: string;
  fetch?: typeof fetch;
}

/** Missing or unusable configuration (no URL, no key). */
export class ConfigError extends Error {}

/** An answer that is not 2xx: the service's stable `code`, its message and the HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function createClient(options: ClientOptions = {}): HookrelayClient {
  const url = options.url ?? process.env.HOOKRELAY_URL;
  const apiKey = options.apiKey ?? process.env.HOOKRELAY_API_KEY;
  if (!url)
    throw new ConfigError("no service URL: pass --service-url or set HOOKRELAY_URL (npm start prints it)");
  if (!apiKey)
    throw new ConfigError("no API key: pass --api-key or set HOOKRELAY_API_KEY (npm start prints it)");
  let base: URL;
  try {
    base = new URL(url);
  } catch {
    throw new ConfigError(`not a URL: ${url}`);
  }
  return createFetchClient<paths>({
    baseUrl: base.href.replace(/\/+$/, ""),
    headers: { authorization: `Bearer ${apiKey}` },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

interface Result<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The data of a 2xx answer, or an ApiError carrying the service's error code. */
export async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  const body = (error ?? {}) as { error?: { code?: string; message?: string; details?: unknown } };
  throw new ApiError(
    response.status,
    body.error?.code ?? `http_${response.status}`,
    body.error?.message ?? response.statusText,
    body.error?.details,
  );
}
