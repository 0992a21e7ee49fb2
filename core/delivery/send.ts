/**
 * One HTTP attempt: POST the signed body, classify what happened, never throw.
 *
 * Built on `node:http`/`node:https` (no HTTP library: undici alone was half of the deliver
 * bundle and a third of its cold start, see docs/cost.md):
 * - one keep-alive Agent per scheme and SSRF policy (core/delivery/agents.ts), so connections
 *   to an endpoint are reused across the records of a batch and across warm invocations; the
 *   guarded agents resolve names through the SSRF check at connect time;
 * - `timeoutMs` is the TOTAL deadline (connect, TLS, headers and the body read);
 * - redirects are never followed: a 3xx is a failed attempt, since following it would send
 *   the signed payload elsewhere;
 * - at most 4 KiB of the response body is kept for the attempt log; a modest remainder is
 *   drained so the connection can be reused, a large one closes the connection.
 */
import type { ClientRequest, IncomingMessage } from "node:http";
import {
  failureMessage,
  RESPONSE_BODY_LIMIT,
  type SendFailure,
  type SendOutcome,
  type SendRequest,
} from "../model/index.js";
import { SsrfError, urlTargetVerdict } from "../outbound/index.js";
import { agentFor, requestFn } from "./agents.js";
import { parseRetryAfter } from "./policy/retry.js";

export { agentFor } from "./agents.js";

/** Beyond this, the rest of a response is not drained (the socket is closed instead). */
const DRAIN_LIMIT = 64 * 1024;

class DeadlineError extends Error {}

export async function sendWebhook(req: SendRequest, now: () => number = Date.now): Promise<SendOutcome> {
  const started = now();
  const latency = () => Math.max(0, Math.round(now() - started));
  const fail = (failure: SendFailure): SendOutcome => ({
    ok: false,
    status: null,
    latencyMs: latency(),
    responseBody: null,
    failure,
    error: failureMessage(failure),
    retryAfterSeconds: null,
  });

  const url = targetOf(req);
  if (!(url instanceof URL)) return fail(url);

  const deadline = new AbortController();
  const timedOut: SendFailure = { kind: "timeout", afterMs: req.timeoutMs };
  const timer = setTimeout(() => deadline.abort(new DeadlineError(failureMessage(timedOut))), req.timeoutMs);
  try {
    let res: IncomingMessage;
    try {
      res = await post(url, req, deadline.signal);
    } catch (err) {
      if (deadline.signal.aborted) return fail(timedOut);
      return fail(classifyError(err, url));
    }
    const status = res.statusCode ?? 0;
    const responseBody = await readLimited(res, deadline.signal);
    const ok = status >= 200 && status < 300;
    const failure: SendFailure | null = ok ? null : { kind: "status", status };
    const retryAfter =
      status === 429 || status === 503
        ? parseRetryAfter(headerValue(res.headers["retry-after"]), new Date())
        : undefined;
    return {
      ok,
      status,
      latencyMs: latency(),
      responseBody,
      failure,
      error: failure && failureMessage(failure),
      retryAfterSeconds: retryAfter ?? null,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** The URL to POST to, or why no request may be made to it. */
function targetOf(req: SendRequest): URL | SendFailure {
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return { kind: "invalid-url" };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return { kind: "unsupported-scheme", scheme: url.protocol };
  }
  if (!req.allowPrivateTargets) {
    // Literal IPs bypass DNS, hence the connect-time lookup: check them here.
    const verdict = urlTargetVerdict(url);
    if (verdict && !verdict.allowed) {
      return { kind: "ssrf-refused", message: new SsrfError(verdict.address, verdict.reason).message };
    }
  }
  return url;
}

/**
 * POSTs once, and once more when a kept-alive socket turned out to be closed by the server
 * before it read anything (the race Node documents for `request.reusedSocket`): the
 * endpoint never saw the first try.
 */
async function post(url: URL, req: SendRequest, signal: AbortSignal): Promise<IncomingMessage> {
  try {
    return await postOnce(url, req, signal);
  } catch (err) {
    const e = err as { code?: string; reusedSocket?: boolean };
    if (!e.reusedSocket || e.code !== "ECONNRESET" || signal.aborted) throw err;
    return postOnce(url, req, signal);
  }
}

function postOnce(url: URL, req: SendRequest, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const body = Buffer.from(req.body, "utf8");
    let request: ClientRequest;
    try {
      request = requestFn(url)(url, {
        method: "POST",
        headers: { ...req.headers, "content-length": String(body.length) },
        agent: agentFor(req.allowPrivateTargets, url.protocol),
        signal,
      });
    } catch (err) {
      // Invalid header values are refused synchronously.
      reject(err);
      return;
    }
    request.once("response", resolve);
    request.once("error", (err) => reject(Object.assign(err, { reusedSocket: request.reusedSocket })));
    request.end(body);
  });
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Keeps the first 4 KiB; drains a modest rest for keep-alive, closes on a large one or on error. */
async function readLimited(res: IncomingMessage, signal: AbortSignal): Promise<string | null> {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let seen = 0;
  const onAbort = () => res.destroy();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
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
    res.destroy();
  } finally {
    signal.removeEventListener("abort", onAbort);
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

/** What a transport failure was (its message, `failureMessage`, is clear and secret-free). */
export function classifyError(err: unknown, url: URL): SendFailure {
  const all = chain(err);
  const ssrf = all.find((e) => e instanceof SsrfError);
  if (ssrf) return { kind: "ssrf-refused", message: (ssrf as SsrfError).message };
  const codes = new Set(all.map((e) => e.code).filter((c): c is string => typeof c === "string"));
  if (codes.has("ECONNREFUSED")) return { kind: "connection-refused", host: url.host };
  if (codes.has("ENOTFOUND") || codes.has("EAI_AGAIN")) return { kind: "dns", hostname: url.hostname };
  if (codes.has("ECONNRESET") || codes.has("EPIPE")) return { kind: "connection-reset" };
  if (codes.has("ETIMEDOUT")) return { kind: "connect-timeout", host: url.host };
  if (codes.has("EHOSTUNREACH") || codes.has("ENETUNREACH")) return { kind: "unreachable", host: url.host };
  const tls = all.find((e) => e.code?.startsWith("ERR_TLS") || e.code?.includes("CERT"));
  if (tls) return { kind: "tls", detail: tls.message ?? tls.code ?? "" };
  return { kind: "other", message: all[0]?.message ?? null };
}

/** A clear, secret-free `last_error` for a transport failure. */
export function describeError(err: unknown, url: URL): string {
  return failureMessage(classifyError(err, url));
}
