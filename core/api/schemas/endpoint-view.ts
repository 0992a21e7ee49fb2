/**
 * The public view of a stored endpoint: every field but the secrets (only `secret_hint`), the
 * one answer of every /v1 endpoint route; `endpointWithSecret` adds the secret once.
 */
import { z } from "@hono/zod-openapi";
import { endpointKeys } from "../../endpoints/index.js";
import {
  breakerState,
  type EndpointRecord,
  endpointSettingViews,
  isSlow,
  storedSettings,
} from "../../model/index.js";
import { redactHeaders } from "../../outbound/index.js";
import { aliasesOf, aliasOutput } from "../aliases.js";
import { awsView, destinationView } from "./endpoint-destinations.js";

export const signingVersion = z.enum(["v1", "v1a"]).openapi({
  description:
    "`v1`: HMAC-SHA256 with a `whsec_` secret; `v1a`: ed25519, verify with `public_key` or `jwks_url`",
});

const ts = z.string().openapi({ format: "date-time", example: "2026-03-16T10:00:00.000Z" });

export const endpointView = z
  .object({
    id: z.string().openapi({ example: "ep_01JQ3Z7Y8K4M2N6P9R1S3T5V7W" }),
    ...awsView,
    url: z.string(),
    // Every setting (core/model/endpoint-settings.ts): label, event types, retries, ordering, filter …
    ...endpointSettingViews,
    enabled: z.boolean().openapi({ description: "status is not disabled" }),
    secret_hint: z.string().openapi({
      example: "whsec_…a1b2c3",
      description: "The secret's last characters (`v1a`: the public key's)",
    }),
    signing_version: signingVersion,
    public_key: z.string().nullable().openapi({
      description: "`v1a`: the ed25519 public key (`whpk_…`) that verifies `v1a` signatures; null for v1",
      example: "whpk_MCowBQYDK2VwAyEAbYsYV1FhV8VbWvN6J5eM9H3p3pZ0=",
    }),
    jwks_url: z.string().nullable().openapi({
      description:
        "`v1a`: a JWK Set (RFC 7517, OKP/Ed25519) of the keys that sign now, served without authentication",
    }),
    filtered_count: z.number().int().openapi({
      description: "Events that matched the subscription but not the filter, so were not delivered",
    }),
    previous_secret_expires_at: ts.nullable().openapi({
      description: "Until then, the secret before the last rotation also signs deliveries",
    }),
    consecutive_failures: z.number().int(),
    last_delivery_at: ts.nullable(),
    last_error: z.string().nullable().openapi({
      description: "The last failure, kept after a recovery as history (see last_error_at)",
    }),
    last_error_at: ts.nullable().openapi({ description: "When last_error happened" }),
    first_failure_at: ts.nullable().openapi({
      description: "Start of the current run of failures (null after a success); a good `since` for recovery",
    }),
    last_verified_at: ts.nullable().openapi({
      description: "Last time a test event to this endpoint was answered with a 2xx",
    }),
    failing_since: ts.nullable(),
    breaker: z
      .object({
        state: z.enum(["closed", "open", "half-open"]),
        open_until: ts.nullable(),
      })
      .openapi({
        description:
          "Circuit breaker: open after repeated failures (deliveries wait, no requests are made) until open_until, then one probe (half-open); a success closes it",
      }),
    lane: z.enum(["shared", "slow"]).openapi({
      description:
        "slow: recent attempts outlasted the shared lane's budget, so deliveries use the slow lane",
    }),
    created_at: ts,
    updated_at: ts,
    ...aliasOutput,
  })
  .openapi("Endpoint");
export type EndpointView = z.infer<typeof endpointView>;

export const endpointWithSecret = endpointView
  .extend({
    secret: z.string().optional().openapi({
      description:
        "The signing secret (`whsec_…`). Returned only here: store it now. Absent for v1a (the private key is never shown).",
      example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    }),
  })
  .openapi("EndpointWithSecret");

/**
 * The public view: every field but the secrets (and the org id, which is the caller's own).
 * `origin` (the API's own, e.g. `https://api.example.com`) makes `jwks_url` absolute;
 * `shownHeaders` is what the caller may see of the custom headers (`headersShownTo` in
 * core/api/router.ts; by default credential headers are redacted); `aws` is what an AWS
 * endpoint's trust policy names (the deployment's account and partition).
 */
export function toEndpointView(
  rec: EndpointRecord,
  now: Date,
  origin = "",
  shownHeaders: (headers: Record<string, string>) => Record<string, string> = redactHeaders,
  aws: { accountId?: string; partition: string } = { partition: "aws" },
): EndpointView {
  const graceOver =
    !rec.previous_secret_expires_at || Date.parse(rec.previous_secret_expires_at) <= now.getTime();
  return {
    id: rec.id,
    ...destinationView(rec, aws.accountId, aws.partition),
    url: rec.url,
    ...storedSettings(rec),
    // Stored differently from how they are shown: the filter as JSON text, credential headers redacted.
    filter: rec.filter ? (JSON.parse(rec.filter) as Record<string, unknown>) : null,
    headers: shownHeaders(rec.headers ?? {}),
    enabled: rec.status !== "disabled",
    ...endpointKeys(rec, origin),
    filtered_count: rec.filtered_count ?? 0,
    previous_secret_expires_at: graceOver ? null : rec.previous_secret_expires_at,
    consecutive_failures: rec.consecutive_failures ?? 0,
    last_delivery_at: rec.last_delivery_at ?? null,
    last_error: rec.last_error ?? null,
    last_error_at: rec.last_error_at ?? null,
    first_failure_at: rec.first_failure_at ?? null,
    last_verified_at: rec.last_verified_at ?? null,
    failing_since: rec.failing_since ?? null,
    breaker: { state: breakerState(rec, now), open_until: rec.breaker_open_until ?? null },
    lane: isSlow(rec, now) ? "slow" : "shared",
    created_at: rec.created_at,
    updated_at: rec.updated_at,
    ...aliasesOf(rec),
  };
}
