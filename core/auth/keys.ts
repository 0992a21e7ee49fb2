/**
 * Raw API keys: `sk_live_…` / `sk_test_…` + 32 random bytes (base64url). Only a hash of a key
 * is ever stored; the raw key exists in the response that creates it and nowhere else.
 */
import { createHash, createHmac, randomBytes } from "node:crypto";
import type { KeyMode } from "../model/index.js";

export const API_KEY_PATTERN = /^sk_(live|test)_[A-Za-z0-9_-]{20,128}$/;

export function generateApiKey(mode: KeyMode): string {
  return `sk_${mode}_${randomBytes(32).toString("base64url")}`;
}

/**
 * What is stored for a key: HMAC-SHA256 under the deployment's pepper (API_KEY_PEPPER), so
 * a key item written into the table by someone without the pepper (DynamoDB Local listens on
 * every interface) matches no key; plain SHA-256 where no pepper is configured.
 */
export function hashApiKey(raw: string, pepper: string | undefined): string {
  const hash = pepper ? createHmac("sha256", pepper) : createHash("sha256");
  return hash.update(raw, "utf8").digest("hex");
}

/** `sk_live_` plus four characters: enough to tell keys apart in a list, useless to an attacker. */
export function displayPrefix(raw: string): string {
  const m = /^sk_(live|test)_/.exec(raw);
  return raw.slice(0, (m?.[0].length ?? 0) + 4);
}

export function modeOf(raw: string): KeyMode {
  return raw.startsWith("sk_test_") ? "test" : "live";
}
