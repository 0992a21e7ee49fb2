/**
 * Standard Webhooks signing (docs/receiving.md): `v1,<base64 HMAC-SHA256>` of
 * `{msg_id}.{timestamp}.{body}`, keyed with the base64-decoded part of `whsec_…`.
 * Receivers verify with the `standardwebhooks` or `svix` libraries.
 */
import { createHmac } from "node:crypto";
import { type KeyFields, retiredSecrets } from "../model/index.js";
import { isSigningKey, signEd25519 } from "./sign-ed25519.js";

const PREFIX = "whsec_";

/** The raw key bytes of a `whsec_…` secret (a bare base64 secret is accepted too). */
export function secretKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, "base64");
}

/** One signature: `v1,<base64>` with a `whsec_…` secret, `v1a,<base64>` with a `whsk_…` key. */
export function sign(secret: string, msgId: string, timestampSeconds: number, body: string): string {
  if (isSigningKey(secret)) return signEd25519(secret, msgId, timestampSeconds, body);
  const mac = createHmac("sha256", secretKey(secret))
    .update(`${msgId}.${timestampSeconds}.${body}`)
    .digest("base64");
  return `v1,${mac}`;
}

/**
 * The secrets that sign a request now: the current one, plus every key a rotation retired
 * whose grace period lasts (core/model/rotation.ts), so receivers that have not switched yet
 * keep verifying.
 */
export function signingSecrets(endpoint: KeyFields, now: Date): string[] {
  return [endpoint.secret, ...retiredSecrets(endpoint, now).map((k) => k.secret)];
}

export interface WebhookHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

/** The three Standard Webhooks headers of one attempt; several signatures are space-separated. */
export function webhookHeaders(
  msgId: string,
  timestampSeconds: number,
  body: string,
  secrets: readonly string[],
): WebhookHeaders {
  return {
    "webhook-id": msgId,
    "webhook-timestamp": String(timestampSeconds),
    "webhook-signature": secrets.map((s) => sign(s, msgId, timestampSeconds, body)).join(" "),
  };
}
