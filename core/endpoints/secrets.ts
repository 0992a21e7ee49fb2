/**
 * Signing secrets: `whsec_` + base64 of random bytes (the Standard Webhooks format, which
 * the `standardwebhooks` and `svix` libraries verify with). Shown to the caller only when
 * created or rotated; afterwards only `secret_hint` identifies it.
 */
import { randomBytes } from "node:crypto";
import { SECRET_BYTES } from "../model/index.js";

const PREFIX = "whsec_";

export function generateSecret(): string {
  return `${PREFIX}${randomBytes(32).toString("base64")}`;
}

/** A caller-provided secret is accepted only in the canonical form: `whsec_` + base64 of 24–64 bytes. */
export function isValidSecret(secret: string): boolean {
  if (!secret.startsWith(PREFIX)) return false;
  const b64 = secret.slice(PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return false;
  const bytes = Buffer.from(b64, "base64");
  // Round-tripping rejects non-canonical padding that decoders would silently accept.
  if (bytes.toString("base64") !== b64) return false;
  return bytes.length >= SECRET_BYTES.min && bytes.length <= SECRET_BYTES.max;
}

/**
 * A caller's free-form key (`webhook_secret`) in the stored form: `whsec_` + base64 of its
 * UTF-8 bytes, so signatures are HMAC-SHA256 keyed by exactly those bytes: what receivers
 * that use the string as a raw HMAC key compute (docs/seeds.md, "Raw signing keys").
 */
export function secretFromRawKey(raw: string): string {
  return `${PREFIX}${Buffer.from(raw, "utf8").toString("base64")}`;
}

/** `whsec_…` + the last 6 characters: enough to match a stored secret, useless to an attacker. */
export function secretHint(secret: string): string {
  return `${PREFIX}…${secret.slice(-6)}`;
}
