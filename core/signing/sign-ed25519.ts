/**
 * Standard Webhooks asymmetric signing (`v1a`, docs/receiving.md shows how to verify):
 * `v1a,<base64 ed25519 signature>` of `{msg_id}.{timestamp}.{body}`.
 *
 * Keys use the Standard Webhooks serialization:
 * `whsk_` + base64 of the 32-byte private key (the seed) and `whpk_` + base64 of the
 * 32-byte public key. The private key is stored like an HMAC secret (the endpoint's
 * `secret`) and never shown; the public key is derived from it when needed.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
} from "node:crypto";

export const SECRET_KEY_PREFIX = "whsk_";
export const PUBLIC_KEY_PREFIX = "whpk_";

/** DER prefixes that wrap a raw 32-byte ed25519 key as PKCS#8 (private) or SPKI (public). */
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

export const isSigningKey = (secret: string) => secret.startsWith(SECRET_KEY_PREFIX);

export function generateSigningKey(): string {
  const { privateKey } = generateKeyPairSync("ed25519");
  const seed = privateKey.export({ format: "der", type: "pkcs8" }).subarray(PKCS8_PREFIX.length);
  return `${SECRET_KEY_PREFIX}${seed.toString("base64")}`;
}

/** The KeyObject of a `whsk_…` key (cached: deliveries sign with the same few keys over and over). */
const privateKeys = new Map<string, KeyObject>();
export function privateKeyOf(secretKey: string): KeyObject {
  let key = privateKeys.get(secretKey);
  if (!key) {
    const seed = Buffer.from(secretKey.slice(SECRET_KEY_PREFIX.length), "base64");
    key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
    if (privateKeys.size >= 1000) privateKeys.clear();
    privateKeys.set(secretKey, key);
  }
  return key;
}

/** `whpk_…` of a `whsk_…` key. */
export function publicKeyOf(secretKey: string): string {
  const spki = createPublicKey(privateKeyOf(secretKey)).export({ format: "der", type: "spki" });
  return `${PUBLIC_KEY_PREFIX}${spki.subarray(SPKI_PREFIX.length).toString("base64")}`;
}

export interface Ed25519Jwk {
  kty: "OKP";
  crv: "Ed25519";
  x: string;
  kid: string;
  use: "sig";
  alg: "EdDSA";
}

/**
 * The JWK (RFC 8037) of a `whpk_…` key. Its `kid` is the RFC 7638 thumbprint, so the same
 * key always has the same id and a receiver can pin it.
 */
export function jwkOf(publicKey: string): Ed25519Jwk {
  const x = Buffer.from(publicKey.slice(PUBLIC_KEY_PREFIX.length), "base64").toString("base64url");
  // RFC 7638: the required members, in lexicographic order, no whitespace.
  const kid = createHash("sha256").update(`{"crv":"Ed25519","kty":"OKP","x":"${x}"}`).digest("base64url");
  return { kty: "OKP", crv: "Ed25519", x, kid, use: "sig", alg: "EdDSA" };
}

/** The raw public key of a `whpk_…` key, as a KeyObject (for verifying in tests and docs). */
export function publicKeyObject(publicKey: string): KeyObject {
  const raw = Buffer.from(publicKey.slice(PUBLIC_KEY_PREFIX.length), "base64");
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: "der", type: "spki" });
}

export function signEd25519(
  secretKey: string,
  msgId: string,
  timestampSeconds: number,
  body: string,
): string {
  const sig = sign(
    null,
    Buffer.from(`${msgId}.${timestampSeconds}.${body}`, "utf8"),
    privateKeyOf(secretKey),
  );
  return `v1a,${sig.toString("base64")}`;
}
