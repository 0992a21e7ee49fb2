/**
 * One HTTP attempt: POST the signed body, classify what happened, never throw.
 *
 * - One shared undici Agent per SSRF policy, so connections to an endpoint are kept alive
 *   across the records of a batch and across warm invocations.
 * - `timeoutMs` is the TOTAL deadline (connect, TLS, headers and the body read).
 * - Redirects are not followed (undici's `request` has no redirect interceptor here): a
 *   3xx is a failed attempt, since following it would send the signed payload elsewhere.
 * - At most 4 KiB of the response body is kept for the attempt log; a modest remainder is
 *   drained so the connection can be reused, a large one closes the connection.
 */
import { Agent, type Dispatcher, request } from "undici";
import { parseRetryAfter } from "./retry.js";
import { guardedLookup, SsrfError, urlTargetVerdict } from "./ssrf.js";

export const RESPONSE_BODY_LIMIT = 4 * 1024;
/** Beyond this, the rest of a response is not drained (the socket is closed instead). */
const DRAIN_LIMIT = 64 * 1024;

export interface SendRequest {
  url: string;
  body: string;
  /** Every request header (already merged: webhook-*, content-type, user-agent, custom). */
  headers: Record<string, string>;
  timeoutMs: number;
  allowPrivateTargets: boolean;
}

export interface SendOutcome {
  /** 2xx. */
  ok: boolean;
  status: number | null;
  latencyMs: number;
  /** At most 4 KiB of the response body (UTF-8, lossy at the cut). */
  responseBody: string | null;
  /** Why the attempt failed, for the attempt log and `last_error`; null on success. */
  error: string | null;
  /** Seconds a 429/503 asked to wait (Retry-After), if it said. */
  retryAfterSeconds: number | null;
}

const agents = new Map<boolean, Agent>();

/** The shared Agent: private targets allowed or guarded (resolved address checked at connect). */
export function agentFor(allowPrivateTargets: boolean): Agent {
  let agent = agents.get(allowPrivateTargets);
  if (!agent) {
    agent = new Agent({
      keepAliveTimeout: 10_000,
      keepAliveMaxTimeout: 60_000,
      connect: allowPrivateTargets ? {} : { lookup: guardedLookup() },
    });
    agents.set(allowPrivateTargets, agent);
  }
  return agent;
}

class DeadlineError extends Error {}

export async function sendWebhook(req: SendRequest, now: () => number = Date.now): Promise<SendOutcome> {
  const started = now();
  const latency = () => Math.max(0, Math.round(now() - started));
  const fail = (error: string, status: number | null = null): SendOutcome => ({
    ok: false,
    status,
    latencyMs: latency(),
    responseBody: null,
    error,
    retryAfterSeconds: null,
  });

  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return fail("invalid endpoint URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    return fail(`unsupported scheme ${url.protocol}`);
  if (!req.allowPrivateTargets) {
    // Literal IPs bypass DNS, hence the connect-time lookup: check them here.
    const verdict = urlTargetVerdict(url);
    if (verdict && !verdict.allowed) return fail(new SsrfError(verdict.address, verdict.reason).message);
  }

  const deadline = new AbortController();
  const timer = setTimeout(
    () => deadline.abort(new DeadlineError(`timed out after ${req.timeoutMs} ms`)),
    req.timeoutMs,
  );
  try {
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method: "POST",
        headers: req.headers,
        body: req.body,
        dispatcher: agentFor(req.allowPrivateTargets),
        signal: deadline.signal,
      });
    } catch (err) {
      if (deadline.signal.aborted) return fail(`timed out after ${req.timeoutMs} ms`);
      return fail(describeError(err, url));
    }

    const status = res.statusCode;
    const responseBody = await readLimited(res.body);
    const ok = status >= 200 && status < 300;
    const retryAfter =
      status === 429 || status === 503
        ? parseRetryAfter(headerValue(res.headers["retry-after"]), new Date())
        : undefined;
    return {
      ok,
      status,
      latencyMs: latency(),
      responseBody,
      error: ok ? null : statusError(status),
      retryAfterSeconds: retryAfter ?? null,
    };
  } finally {
    clearTimeout(timer);
  }
}

function statusError(status: number): string {
  if (status >= 300 && status < 400) return `HTTP ${status} (redirects are not followed)`;
  return `HTTP ${status}`;
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Keeps the first 4 KiB; drains a modest rest for keep-alive, closes on a large one or on error. */
async function readLimited(body: Dispatcher.ResponseData["body"]): Promise<string | null> {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let seen = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      seen += chunk.length;
      if (keptBytes < RESPONSE_BODY_LIMIT) {
        const part = chunk.subarray(0, RESPONSE_BODY_LIMIT - keptBytes);
        kept.push(part);
        keptBytes += part.length;
      }
      if (seen > DRAIN_LIMIT) break; // leaving the loop destroys the stream and its socket
    }
  } catch {
    // Deadline or reset while reading: the status is known, the body is best-effort.
    body.destroy();
  }
  if (keptBytes === 0) return seen === 0 ? null : "";
  return new TextDecoder("utf-8", { fatal: false }).decode(Buffer.concat(kept));
}

interface ErrorLike {
  code?: string;
  message?: string;
  cause?: unknown;
  errors?: unknown[];
}

/** Every error in a cause/AggregateError chain, outermost first. */
function chain(err: unknown, out: ErrorLike[] = [], depth = 0): ErrorLike[] {
  if (!err || typeof err !== "object" || depth > 5) return out;
  const e = err as ErrorLike;
  out.push(e);
  if (Array.isArray(e.errors)) for (const inner of e.errors) chain(inner, out, depth + 1);
  if (e.cause) chain(e.cause, out, depth + 1);
  return out;
}

/** A clear, secret-free `last_error` for a transport failure. */
export function describeError(err: unknown, url: URL): string {
  const all = chain(err);
  const ssrf = all.find((e) => e instanceof SsrfError);
  if (ssrf) return (ssrf as SsrfError).message;
  const codes = new Set(all.map((e) => e.code).filter((c): c is string => typeof c === "string"));
  if (codes.has("ECONNREFUSED")) return `connection refused by ${url.host} (ECONNREFUSED)`;
  if (codes.has("ENOTFOUND") || codes.has("EAI_AGAIN")) return `DNS lookup failed for ${url.hostname}`;
  if (codes.has("ECONNRESET") || codes.has("UND_ERR_SOCKET")) return "connection reset by the endpoint";
  if (codes.has("ETIMEDOUT") || codes.has("UND_ERR_CONNECT_TIMEOUT"))
    return `connection to ${url.host} timed out`;
  if (codes.has("EHOSTUNREACH") || codes.has("ENETUNREACH")) return `${url.host} is unreachable`;
  const tls = all.find((e) => e.code?.startsWith("ERR_TLS") || e.code?.includes("CERT"));
  if (tls) return `TLS error: ${tls.message ?? tls.code}`;
  const first = all[0];
  return first?.message ? `request failed: ${first.message}` : "request failed";
}
