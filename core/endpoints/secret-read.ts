/**
 * Reading an endpoint's signing secrets back (admins, as Svix offers): the current secret and,
 * while a rotation's grace lasts, the previous one. Every read is logged (who, which endpoint,
 * never the secret), and a deployment can turn reads off (ALLOW_SECRET_RETRIEVAL=false), in
 * which case a lost secret is replaced by rotating it.
 */
import type { Uses } from "../deps.js";
import { logger } from "../log/index.js";
import { conflict, ServiceError } from "../model/index.js";
import { requireEndpoint } from "./service.js";

export interface EndpointSecrets {
  secret: string;
  /** The secret before the last rotation, while it still signs; else null. */
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
  if (rec.signing_version !== "v1") {
    throw conflict(
      "private_key_not_revealed",
      "a v1a endpoint signs with an ed25519 private key that is never revealed; receivers verify with its public_key or jwks_url",
    );
  }
  const expires = rec.previous_secret_expires_at;
  const inGrace =
    rec.previous_secret !== null && expires !== null && Date.parse(expires) > deps.now().getTime();
  logger.info("endpoint secret read", {
    org_id: who.orgId,
    endpoint_id: rec.id,
    key_id: who.keyId,
    previous_included: inGrace,
  });
  return {
    secret: rec.secret,
    previous_secret: inGrace ? rec.previous_secret : null,
    previous_secret_expires_at: inGrace ? expires : null,
  };
}
