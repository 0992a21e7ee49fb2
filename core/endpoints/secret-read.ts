/**
 * Reading an endpoint's signing secrets back (admins, as Svix offers): the current secret and,
 * while a rotation's grace lasts, the ones it retired. Only HMAC secrets: an ed25519 private
 * key (`whsk_…`, v1a) is never returned, current or retired. Every read is logged (who, which endpoint,
 * never the secret), and a deployment can turn reads off (ALLOW_SECRET_RETRIEVAL=false), in
 * which case a lost secret is replaced by rotating it.
 */
import type { Uses } from "../deps.js";
import { logger } from "../log/index.js";
import { conflict, retiredSecrets, ServiceError } from "../model/index.js";
import { isSigningKey } from "../signing/index.js";
import { requireEndpoint } from "./service.js";

export interface EndpointSecrets {
  secret: string;
  /** The newest HMAC secret a rotation retired, while it still signs; else null. */
  previous_secret: string | null;
  previous_secret_expires_at: string | null;
}

export async function readSecrets(
  deps: Uses<"config" | "endpointStore" | "now">,
  who: { orgId: string; keyId: string },
  endpointId: string,
): Promise<EndpointSecrets> {
  if (!deps.config.allowSecretRetrieval) {
    throw new ServiceError(
      403,
      "secret_retrieval_disabled",
      "this deployment does not return endpoint secrets; rotate the secret to get a new one",
    );
  }
  const rec = await requireEndpoint(deps, who.orgId, endpointId);
  // A v1a endpoint's `secret` is its ed25519 private key: never shown, and receivers need none.
  if (rec.signing_version !== "v1" || isSigningKey(rec.secret)) {
    throw conflict(
      "private_key_not_revealed",
      "a v1a endpoint signs with an ed25519 private key that is never revealed; receivers verify with its public_key or jwks_url",
    );
  }
  // Nor is one a rotation retired (a switch from v1a to v1): it signs on, but only as v1a.
  const previous = retiredSecrets(rec, deps.now()).filter((k) => !isSigningKey(k.secret));
  logger.info("endpoint secret read", {
    org_id: who.orgId,
    endpoint_id: rec.id,
    key_id: who.keyId,
    previous_included: previous.length,
  });
  return {
    secret: rec.secret,
    previous_secret: previous[0]?.secret ?? null,
    previous_secret_expires_at: previous[0]?.expires_at ?? null,
  };
}
