/**
 * Signing secrets: `whsec_` + base64 of random bytes (the Standard Webhooks format, which
 * the `standardwebhooks` and `svix` libraries verify with). Shown to the caller only when
 * created or rotated; afterwards only `secret_hint` identifies it.
 */
import { randomBytes } from "node:crypto";
import { SECRET_BYTES } from "../model/limits.js";

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

/** `whsec_…` + the last 6 characters: enough to match a stored secret, useless to an attacker. */
export function secretHint(secret: string): string {
  return `${PREFIX}…${secret.slice(-6)}`;
}
