/**
 * The destination port: where an attempt goes. HTTP (send.ts, through the SSRF guard) is the
 * one production destination; the in-memory one answers from a function and records what it
 * was sent (fast tests and the simulation). A new destination type implements `send`.
 */
import { type SendOutcome, type SendRequest, sendWebhook } from "./send.js";

export interface Destination {
  /** Makes one attempt; never throws (every failure is an outcome). */
  send(req: SendRequest): Promise<SendOutcome>;
}

export const httpDestination: Destination = { send: (req) => sendWebhook(req) };

export interface MemoryDestination extends Destination {
  /** Every request made, in order. */
  requests: SendRequest[];
}

/** A 2xx in no time, unless `respond` says otherwise for a request. */
export function memoryDestination(
  respond: (req: SendRequest) => Partial<SendOutcome> | Promise<Partial<SendOutcome>> = () => ({}),
): MemoryDestination {
  const requests: SendRequest[] = [];
  return {
    requests,
    async send(req) {
      requests.push(req);
      const got = await respond(req);
      const status = got.status === undefined ? 200 : got.status;
      const ok = got.ok ?? (status !== null && status >= 200 && status < 300);
      return {
        ok,
        status,
        latencyMs: got.latencyMs ?? 0,
        responseBody: got.responseBody ?? null,
        error: got.error ?? (ok ? null : `HTTP ${status}`),
        retryAfterSeconds: got.retryAfterSeconds ?? null,
      };
    },
  };
}
