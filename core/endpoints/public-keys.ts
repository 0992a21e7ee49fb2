/**
 * What an endpoint shows of its signing keys: a hint of the HMAC secret (`v1`) or the
 * ed25519 public key (`v1a`), and the JWK Set of the keys that sign now (RFC 7517,
 * OKP/Ed25519 per RFC 8037), which receivers fetch without authentication.
 */

import type { EndpointRecord } from "../model/index.js";
import { type Ed25519Jwk, isSigningKey, jwkOf, publicKeyOf, signingSecrets } from "../signing/index.js";
import { secretHint } from "./secrets.js";

type KeyFields = Pick<EndpointRecord, "org_id" | "id" | "secret" | "signing_version">;

/** Where an endpoint's JWK Set is served (outside /v1: no API key needed). */
export const jwksPath = (org: string, id: string) =>
  `/jwks/${encodeURIComponent(org)}/${encodeURIComponent(id)}`;

export function endpointKeys(rec: KeyFields, origin: string) {
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
 * The ed25519 keys that sign the endpoint's deliveries now: the current one and, during a
 * rotation's grace period, the previous one (current first).
 */
export function jwksOf(
  rec: Pick<EndpointRecord, "secret" | "previous_secret" | "previous_secret_expires_at">,
  now: Date,
): { keys: Ed25519Jwk[] } {
  return {
    keys: signingSecrets(rec, now)
      .filter(isSigningKey)
      .map((s) => jwkOf(publicKeyOf(s))),
  };
}
