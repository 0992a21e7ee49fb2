/**
 * Portal session tokens: `hrps_<payload>.<signature>`, both base64url. The payload carries
 * only ids and scopes (never a secret); the signature is HMAC-SHA256 with the deployment's
 * portal secret, compared in constant time. Pure: no I/O, the clock is passed in.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Capability } from "./capabilities.js";
import { CAPABILITIES } from "./capabilities.js";

export const TOKEN_PREFIX = "hrps_";

export interface SessionClaims {
  /** Session id (`ps_…`), the handle for revocation. */
  sid: string;
  org: string;
  /** Only this agent's endpoints and events; null = the whole organization. */
  agent: string | null;
  caps: Capability[];
  /** Catalog entries the session may see and subscribe to; null = all. */
  types: string[] | null;
  /** Expiry, epoch seconds. */
  exp: number;
}

const b64 = (buf: Buffer | string) => Buffer.from(buf).toString("base64url");
const mac = (secret: string, payload: string) => createHmac("sha256", secret).update(payload).digest();

export function signToken(claims: SessionClaims, secret: string): string {
  const payload = b64(JSON.stringify(claims));
  return `${TOKEN_PREFIX}${payload}.${b64(mac(secret, payload))}`;
}

export const looksLikeToken = (raw: string) => raw.startsWith(TOKEN_PREFIX);

export type VerifyResult =
  | { ok: true; claims: SessionClaims }
  | { ok: false; reason: "malformed" | "bad_signature" | "expired" };

/** Checks the signature, then the shape, then the expiry (in that order: nothing unsigned is parsed). */
export function verifyToken(raw: string, secret: string, now: Date): VerifyResult {
  if (!looksLikeToken(raw) || raw.length > 8192) return { ok: false, reason: "malformed" };
  const [payload, sig, extra] = raw.slice(TOKEN_PREFIX.length).split(".");
  if (!payload || !sig || extra !== undefined) return { ok: false, reason: "malformed" };
  const expected = mac(secret, payload);
  const given = Buffer.from(sig, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: "bad_signature" };
  }
  let claims: SessionClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as SessionClaims;
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (!validClaims(claims)) return { ok: false, reason: "malformed" };
  if (claims.exp * 1000 <= now.getTime()) return { ok: false, reason: "expired" };
  return { ok: true, claims };
}

function validClaims(c: SessionClaims): boolean {
  return (
    typeof c === "object" &&
    c !== null &&
    typeof c.sid === "string" &&
    typeof c.org === "string" &&
    (c.agent === null || typeof c.agent === "string") &&
    Array.isArray(c.caps) &&
    c.caps.every((x) => (CAPABILITIES as readonly string[]).includes(x)) &&
    (c.types === null || (Array.isArray(c.types) && c.types.every((t) => typeof t === "string"))) &&
    Number.isFinite(c.exp)
  );
}
