/**
 * What an endpoint shows of its signing keys: a hint of the HMAC secret (`v1`) or the
 * ed25519 public key (`v1a`), and the JWK Set of the keys that sign now (RFC 7517,
 * OKP/Ed25519 per RFC 8037), which receivers fetch without authentication.
 */

import type { EndpointRecord, KeyFields } from "../model/index.js";
import { type Ed25519Jwk, isSigningKey, jwkOf, publicKeyOf, signingSecrets } from "../signing/index.js";
import { secretHint } from "./secrets.js";

type ShownKeyFields = Pick<EndpointRecord, "org_id" | "id" | "secret" | "signing_version">;

/** Where an endpoint's JWK Set is served (outside /v1: no API key needed). */
export const jwksPath = (org: string, id: string) =>
  `/jwks/${encodeURIComponent(org)}/${encodeURIComponent(id)}`;

export function endpointKeys(rec: ShownKeyFields, origin: string) {
  if (rec.signing_version === "v1a" && isSigningKey(rec.secret)) {
    const publicKey = publicKeyOf(rec.secret);
    return {
      secret_hint: `whpk_…${publicKey.slice(-6)}`,
      signing_version: rec.signing_version,
      public_key: publicKey,
      jwks_url: `${origin}${jwksPath(rec.org_id, rec.id)}`,
    };
  }
  return {
    secret_hint: secretHint(rec.secret),
    signing_version: rec.signing_version,
    public_key: null,
    jwks_url: null,
  };
}

/**
 * The ed25519 keys that sign the endpoint's deliveries now: the current one and every key a
 * rotation retired whose grace period lasts (current first).
 */
export function jwksOf(rec: KeyFields, now: Date): { keys: Ed25519Jwk[] } {
  return {
    keys: signingSecrets(rec, now)
      .filter(isSigningKey)
      .map((s) => jwkOf(publicKeyOf(s))),
  };
}
