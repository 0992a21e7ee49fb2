/**
 * Receiver side: check that a webhook came from hookrelay (Standard Webhooks `v1`: HMAC-SHA256
 * of `{webhook-id}.{webhook-timestamp}.{body}` with the endpoint's `whsec_…` secret). The
 * `standardwebhooks` reference library does the work (constant-time comparison, a timestamp
 * tolerance of 5 minutes against replays, several space-separated signatures during a secret
 * rotation), so receivers verify exactly as the specification does.
 *
 * ```ts
 * import { verify } from "@hookrelay/client/verify";
 * const event = verify(process.env.WEBHOOK_SECRET!, req.headers, rawBody); // throws if forged
 * ```
 */
import { Webhook, WebhookVerificationError } from "standardwebhooks";

export { WebhookVerificationError };

export interface WebhookEvent {
  id: string;
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

type Headers = Record<string, string | string[] | undefined> | globalThis.Headers;

function header(headers: Headers, name: string): string {
  const value = headers instanceof globalThis.Headers ? headers.get(name) : headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

/**
 * Verifies the signature over the raw body (the exact bytes received, not re-serialized JSON)
 * and returns the parsed event; throws WebhookVerificationError otherwise.
 */
export function verify(secret: string, headers: Headers, rawBody: string | Buffer): WebhookEvent {
  const wanted = ["webhook-id", "webhook-timestamp", "webhook-signature"] as const;
  const h = Object.fromEntries(wanted.map((n) => [n, header(headers, n)]));
  return new Webhook(secret).verify(rawBody, h) as WebhookEvent;
}
