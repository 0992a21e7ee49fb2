/**
 * Signing-key rotation's policy (docs/security.md, "Rotating a secret"), as pure functions of
 * the endpoint's key fields. A rotation retires the current key: it keeps signing (a second
 * signature, and in the JWKS for ed25519) until its grace period ends, so receivers that have
 * not switched yet keep verifying. Every retired key whose grace has not ended is kept, up to
 * MAX_RETIRED_SECRETS; one more rotation is refused (409) rather than dropping a key early.
 *
 * The functions never look inside a key, so the store applies them to sealed values
 * (core/store/secrets-at-rest.ts) and the services to opened ones.
 */
import type { EndpointRecord, RetiredSecret } from "./endpoint.js";
import { MAX_RETIRED_SECRETS } from "./limits.js";

export type KeyFields = Pick<
  EndpointRecord,
  "secret" | "previous_secret" | "previous_secret_expires_at" | "earlier_secrets"
>;

/** The retired keys that still sign at `now`, newest first. */
export function retiredSecrets(rec: KeyFields, now: Date): RetiredSecret[] {
  const all: RetiredSecret[] = [];
  if (rec.previous_secret && rec.previous_secret_expires_at) {
    all.push({ secret: rec.previous_secret, expires_at: rec.previous_secret_expires_at });
  }
  all.push(...(rec.earlier_secrets ?? []));
  return all.filter((k) => k.secret !== rec.secret && Date.parse(k.expires_at) > now.getTime());
}

export type RotatedKeys = Required<KeyFields>;

/**
 * The key fields after rotating to `next` at `now`: the current key retires until `until`
 * (null: no grace, so every retired key stops signing at once). `{ full }` when
 * MAX_RETIRED_SECRETS keys are in their grace already: `full` is when the first of them ends.
 */
export function rotateKeys(
  rec: KeyFields,
  next: string,
  until: string | null,
  now: Date,
): RotatedKeys | { full: string } {
  if (until === null) {
    return { secret: next, previous_secret: null, previous_secret_expires_at: null, earlier_secrets: [] };
  }
  const kept = retiredSecrets(rec, now);
  if (kept.length >= MAX_RETIRED_SECRETS) {
    return { full: kept.map((k) => k.expires_at).sort()[0]! };
  }
  const [newest, ...earlier] = [{ secret: rec.secret, expires_at: until }, ...kept];
  return {
    secret: next,
    previous_secret: newest!.secret,
    previous_secret_expires_at: newest!.expires_at,
    earlier_secrets: earlier,
  };
}
