/**
 * Receiver side: check that a webhook came from hookrelay (docs/receiving.md).
 *
 * - `v1`: HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}` with the endpoint's `whsec_…`
 *   secret. The `standardwebhooks` reference library does the work (constant-time comparison,
 *   several space-separated signatures during a secret rotation).
 * - `v1a`: ed25519 over the same string, checked with `node:crypto` against the endpoint's
 *   `whpk_…` public key or the keys of its JWK Set (`jwks_url`; `jwksVerifier` fetches and
 *   caches it). No library: Node verifies ed25519 natively, and JWK import is built in.
 *
 * Both refuse a `webhook-timestamp` more than 5 minutes away (replays).
 *
 * ```ts
 * import { verify, jwksVerifier } from "@hookrelay/client/verify";
 * const event = verify(process.env.WEBHOOK_SECRET!, req.headers, rawBody); // whsec_… or whpk_…; throws if forged
 * const receiver = jwksVerifier(endpoint.jwks_url);
 * const event2 = await receiver.verify(req.headers, rawBody);
 * ```
 */
import { createPublicKey, type KeyObject, verify as verifySignature } from "node:crypto";
import { Webhook, WebhookVerificationError } from "standardwebhooks";

export { WebhookVerificationError };

export interface WebhookEvent {
  id: string;
  type: string;
  timestamp: string;
  agent_id?: string | number;
  data: Record<string, unknown>;
}

/** An ed25519 JWK (RFC 8037) as the endpoint's JWK Set lists it. */
export interface Ed25519Jwk {
  kty: "OKP";
  crv: "Ed25519";
  x: string;
  kid?: string;
}

export interface JwkSet {
  keys: Ed25519Jwk[];
}

/** `whsec_…` (v1), `whpk_…` (v1a), or the keys of a JWK Set (v1a). */
export type VerifyKey = string | JwkSet;

type Headers = Record<string, string | string[] | undefined> | globalThis.Headers;

const TOLERANCE_SECONDS = 5 * 60;
const PUBLIC_KEY_PREFIX = "whpk_";

type SignatureHeaders = Record<"webhook-id" | "webhook-timestamp" | "webhook-signature", string>;

function signatureHeaders(headers: Headers): SignatureHeaders {
  const get = (name: string) => {
    const value = headers instanceof globalThis.Headers ? headers.get(name) : headers[name];
    return (Array.isArray(value) ? value[0] : value) ?? "";
  };
  return {
    "webhook-id": get("webhook-id"),
    "webhook-timestamp": get("webhook-timestamp"),
    "webhook-signature": get("webhook-signature"),
  };
}

/**
 * Verifies the signature over the raw body (the exact bytes received, not re-serialized JSON)
 * and returns the parsed event; throws WebhookVerificationError otherwise.
 */
export function verify(key: VerifyKey, headers: Headers, rawBody: string | Buffer): WebhookEvent {
  const h = signatureHeaders(headers);
  if (typeof key === "string" && !key.startsWith(PUBLIC_KEY_PREFIX)) {
    return new Webhook(key).verify(rawBody, h) as WebhookEvent;
  }
  return verifyEd25519(ed25519Keys(key), h, rawBody);
}

function verifyEd25519(keys: KeyObject[], h: SignatureHeaders, rawBody: string | Buffer): WebhookEvent {
  if (!h["webhook-id"] || !h["webhook-timestamp"] || !h["webhook-signature"])
    throw new WebhookVerificationError("Missing required headers");
  checkTimestamp(h["webhook-timestamp"]);
  const body = typeof rawBody === "string" ? rawBody : rawBody.toString("utf8");
  const signed = Buffer.from(`${h["webhook-id"]}.${h["webhook-timestamp"]}.${body}`, "utf8");
  const signatures = h["webhook-signature"]
    .split(" ")
    .filter((s) => s.startsWith("v1a,"))
    .map((s) => Buffer.from(s.slice(4), "base64"));
  const ok = signatures.some((sig) => keys.some((k) => verifySignature(null, signed, k, sig)));
  if (!ok) throw new WebhookVerificationError("No matching signature found");
  return JSON.parse(body) as WebhookEvent;
}

function checkTimestamp(value: string): void {
  const ts = Number.parseInt(value, 10);
  if (Number.isNaN(ts)) throw new WebhookVerificationError("Invalid Signature Headers");
  const now = Math.floor(Date.now() / 1000);
  if (now - ts > TOLERANCE_SECONDS) throw new WebhookVerificationError("Message timestamp too old");
  if (ts > now + TOLERANCE_SECONDS) throw new WebhookVerificationError("Message timestamp too new");
}

/** The KeyObjects of a `whpk_…` key or of a JWK Set's Ed25519 keys (others are ignored). */
export function ed25519Keys(key: VerifyKey): KeyObject[] {
  if (typeof key === "string") {
    const x = Buffer.from(key.slice(PUBLIC_KEY_PREFIX.length), "base64");
    if (x.length !== 32) throw new Error("not a whpk_ ed25519 public key (32 bytes, base64)");
    return [
      createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: x.toString("base64url") }, format: "jwk" }),
    ];
  }
  return key.keys
    .filter((k) => k.kty === "OKP" && k.crv === "Ed25519")
    .map((k) => createPublicKey({ key: { kty: k.kty, crv: k.crv, x: k.x }, format: "jwk" }));
}

export interface JwksVerifierOptions {
  /** Refetch the JWK Set when a signature does not verify, at most this often (default 5 min). */
  refreshAfterMs?: number;
  fetch?: typeof fetch;
}

/**
 * A `v1a` verifier for one endpoint's `jwks_url`: fetches the JWK Set on first use, and again
 * when a signature does not verify with the keys held (a rotation), at most every
 * `refreshAfterMs`. Never trusts a key named by the request itself.
 */
export function jwksVerifier(jwksUrl: string, options: JwksVerifierOptions = {}) {
  const get = options.fetch ?? fetch;
  const refreshAfterMs = options.refreshAfterMs ?? 300_000;
  let keys: KeyObject[] | undefined;
  let fetchedAt = 0;
  const load = async () => {
    const res = await get(jwksUrl, { headers: { accept: "application/json" } });
    if (!res.ok) throw new Error(`JWKS ${jwksUrl} answered HTTP ${res.status}`);
    keys = ed25519Keys((await res.json()) as JwkSet);
    fetchedAt = Date.now();
    return keys;
  };
  return {
    async verify(headers: Headers, rawBody: string | Buffer): Promise<WebhookEvent> {
      const h = signatureHeaders(headers);
      const held = keys ?? (await load());
      try {
        return verifyEd25519(held, h, rawBody);
      } catch (err) {
        const stale = Date.now() - fetchedAt >= refreshAfterMs;
        if (!(err instanceof WebhookVerificationError) || !stale) throw err;
        return verifyEd25519(await load(), h, rawBody);
      }
    },
  };
}
