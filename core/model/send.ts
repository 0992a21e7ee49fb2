/**
 * The destination port (core/delivery/destination.ts has its adapters): one attempt's request
 * and its outcome. Why an attempt failed is data, `SendFailure`: the policy
 * (core/delivery/policy/decide.ts) matches on its `kind`, never on a message; the message for
 * the attempt log and `last_error` is derived from it (`failureMessage`), so every
 * destination words a failure the same way.
 */
import type { AwsSendTarget } from "./destinations/index.js";

export interface SendRequest {
  url: string;
  body: string;
  /** Every request header (already merged: webhook-*, content-type, user-agent, custom). */
  headers: Record<string, string>;
  timeoutMs: number;
  allowPrivateTargets: boolean;
  /** An AWS destination (docs/destinations.md): `url` is then only its display form. */
  aws?: AwsSendTarget;
}

export interface SendOutcome {
  /** 2xx. */
  ok: boolean;
  status: number | null;
  latencyMs: number;
  /** At most 4 KiB of the response body (UTF-8, lossy at the cut). */
  responseBody: string | null;
  /** Why the attempt failed, as data (policy/outcome.ts); null on success. */
  failure: SendFailure | null;
  /** Why the attempt failed, for the attempt log and `last_error` (`failureMessage(failure)`); null on success. */
  error: string | null;
  /** Seconds a 429/503 asked to wait (Retry-After), if it said. */
  retryAfterSeconds: number | null;
}

export type SendFailure =
  /** The lane's deadline (connect, TLS, headers and body) passed. */
  | { kind: "timeout"; afterMs: number }
  /** The receiver answered, with a status that is not a 2xx. */
  | { kind: "status"; status: number }
  | { kind: "connection-refused"; host: string }
  | { kind: "dns"; hostname: string }
  | { kind: "connection-reset" }
  | { kind: "connect-timeout"; host: string }
  | { kind: "unreachable"; host: string }
  | { kind: "tls"; detail: string }
  /** The SSRF guard refused the address (core/outbound/ssrf.ts); `message` is its own. */
  | { kind: "ssrf-refused"; message: string }
  | { kind: "invalid-url" }
  | { kind: "unsupported-scheme"; scheme: string }
  | { kind: "other"; message: string | null }
  /** AWS refused the assumed role or the call (AccessDenied, a trust policy without the external id). */
  | { kind: "access-denied"; message: string }
  /** The AWS target does not exist (a deleted queue, topic, bus or bucket). */
  | { kind: "target-missing"; message: string }
  /** AWS throttled the call; `status` its HTTP status. */
  | { kind: "throttled"; message: string }
  /** Any other AWS error (a 5xx, or a 4xx the policy retries like an HTTP 4xx). */
  | { kind: "aws-error"; code: string; status: number | null; message: string }
  /** The envelope is larger than the AWS target accepts (SNS and EventBridge: 256 KB). */
  | { kind: "too-large"; bytes: number; limit: number };

/** How an access-denied failure's message (and so the endpoint's `last_error`) begins. */
export const ACCESS_DENIED = "access denied: ";

export function failureMessage(f: SendFailure): string {
  switch (f.kind) {
    case "timeout":
      return `timed out after ${f.afterMs} ms`;
    case "status":
      return f.status >= 300 && f.status < 400
        ? `HTTP ${f.status} (redirects are not followed)`
        : `HTTP ${f.status}`;
    case "connection-refused":
      return `connection refused by ${f.host} (ECONNREFUSED)`;
    case "dns":
      return `DNS lookup failed for ${f.hostname}`;
    case "connection-reset":
      return "connection reset by the endpoint";
    case "connect-timeout":
      return `connection to ${f.host} timed out`;
    case "unreachable":
      return `${f.host} is unreachable`;
    case "tls":
      return `TLS error: ${f.detail}`;
    case "ssrf-refused":
      return f.message;
    case "invalid-url":
      return "invalid endpoint URL";
    case "unsupported-scheme":
      return `unsupported scheme ${f.scheme}`;
    case "other":
      return f.message ? `request failed: ${f.message}` : "request failed";
    case "access-denied":
      return `${ACCESS_DENIED}${f.message}`;
    case "target-missing":
      return `target not found: ${f.message}`;
    case "throttled":
      return `throttled by AWS: ${f.message}`;
    case "aws-error":
      return `AWS ${f.code}${f.status ? ` (HTTP ${f.status})` : ""}: ${f.message}`;
    case "too-large":
      return `the event is ${f.bytes} bytes, over the target's limit of ${f.limit}`;
  }
}

export interface Destination {
  /** Makes one attempt; never throws (every failure is an outcome). */
  send(req: SendRequest): Promise<SendOutcome>;
}
