/**
 * Bodies and responses of /v1/webhook-endpoints, and the public view of a stored endpoint
 * (which never includes a secret: only `secret_hint`).
 */

import { z } from "@hono/zod-openapi";
import { type CreateEndpointInput, endpointKeys, type UpdateEndpointInput } from "../../endpoints/index.js";
import {
  agentIdInput,
  breakerState,
  type EndpointRecord,
  isSlow,
  MAX_DESCRIPTION_LENGTH,
  MAX_LABEL_LENGTH,
  MAX_SECRET_LENGTH,
  MAX_URL_LENGTH,
  RATE_LIMIT,
  RETRIES,
  TIMEOUT_MS,
  validationError,
} from "../../model/index.js";
import { redactHeaders } from "../../outbound/index.js";
import { aliasesOf, aliasInput, aliasOutput, rawSecretInput, resolveAliases } from "../aliases.js";
import { eventTypeList } from "./event-type-list.js";
import { pathId } from "./params.js";

const fields = {
  url: z.string().min(1).max(MAX_URL_LENGTH).openapi({ example: "https://your-app.com/webhooks/hookrelay" }),
  label: z
    .string()
    .min(1)
    .max(MAX_LABEL_LENGTH)
    .nullable()
    .openapi({ description: `Display name, 1–${MAX_LABEL_LENGTH} chars` }),
  description: z.string().max(MAX_DESCRIPTION_LENGTH).nullable(),
  event_types: eventTypeList,
  // The events' own rule (core/model/message.ts), so a filter can always match some event.
  agent_id: agentIdInput.nullable().openapi({
    description:
      "Deliver only this agent's events; null = every agent. Returned in the JSON type given " +
      '(an integer stays an integer); `7` and `"7"` are the same agent.',
  }),
  // No `default` in request schemas: generated clients would make the field required, and on
  // PATCH an omitted field is kept, not reset. The defaults are stated in the descriptions.
  max_retries: z
    .number()
    .int()
    .min(RETRIES.min)
    .max(RETRIES.max)
    .openapi({
      description: `Retries after the first attempt, ${RETRIES.min}–${RETRIES.max}; ${RETRIES.default} when omitted on create, unchanged when omitted on update`,
      example: RETRIES.default,
    }),
  timeout_ms: z
    .number()
    .int()
    .min(TIMEOUT_MS.min)
    .max(TIMEOUT_MS.max)
    .openapi({
      description: `Deadline of a whole attempt in ms, ${TIMEOUT_MS.min}–${TIMEOUT_MS.max}; ${TIMEOUT_MS.default} when omitted on create, unchanged when omitted on update`,
      example: TIMEOUT_MS.default,
    }),
  rate_limit: z
    .number()
    .int()
    .min(RATE_LIMIT.min)
    .max(RATE_LIMIT.max)
    .nullable()
    .openapi({
      description: `At most this many deliveries per second to this endpoint (${RATE_LIMIT.min}–${RATE_LIMIT.max}), across every delivery process; deliveries over it wait for a later second (no attempt is counted). null = no limit (the default on create); unchanged when omitted on update`,
      example: 50,
    }),
  headers: z.record(z.string(), z.string()).openapi({
    description: "Custom headers sent with every delivery (no hop-by-hop, signature or content headers)",
    example: { "x-tenant": "acme" },
  }),
  status: z.enum(["active", "disabled"], {
    error: "status must be active or disabled (failing is set only by the service)",
  }),
  // Not z.record: copying keys into a new object would lose `__proto__`; checkFilter checks it all.
  filter: z.unknown().openapi({
    type: ["object", "null"],
    description:
      "Payload filter (JSON match on `{ id, type, agent_id, timestamp, data }`, see docs/filters.md); null = every event",
    example: { data: { amount: { $gte: 100 } } },
  }),
};

const signingVersion = z.enum(["v1", "v1a"]).openapi({
  description:
    "`v1`: HMAC-SHA256 with a `whsec_` secret; `v1a`: ed25519, verify with `public_key` or `jwks_url`",
});

/** Everything but the URL: optional when creating as when updating. Aliases: core/api/aliases.ts. */
const optionalSettings = {
  label: fields.label.optional(),
  description: fields.description.optional(),
  event_types: fields.event_types.optional(),
  agent_id: fields.agent_id.optional(),
  max_retries: fields.max_retries.optional(),
  timeout_ms: fields.timeout_ms.optional(),
  rate_limit: fields.rate_limit.optional(),
  headers: fields.headers.optional(),
  status: fields.status.optional(),
  filter: fields.filter.optional(),
  ...aliasInput,
};

export const createEndpointBody = z
  .strictObject({
    url: fields.url.optional().openapi({ description: "Required (or its alias `webhook_url`)" }),
    ...optionalSettings,
    secret: z.string().max(MAX_SECRET_LENGTH).optional().openapi({
      description:
        "Your own signing secret: `whsec_` + base64 of 24–64 bytes. Generated when absent (v1 only).",
    }),
    signing_version: signingVersion.optional().openapi({
      description: "v1 (HMAC-SHA256, the default when omitted) or v1a (ed25519)",
    }),
    ...rawSecretInput,
  })
  .openapi("CreateEndpoint", {
    example: {
      url: "https://your-app.com/webhooks/hookrelay",
      event_types: ["voice.call.ended"],
      description: "Production receiver",
    },
  });

export const updateEndpointBody = z
  .strictObject({ url: fields.url.optional(), ...optionalSettings })
  .openapi("UpdateEndpoint", { example: { status: "disabled" } });

type CreateBody = z.infer<typeof createEndpointBody>;
type UpdateBody = z.infer<typeof updateEndpointBody>;

export function toCreateInput(body: CreateBody): CreateEndpointInput {
  const { secret, webhook_secret, signing_version, ...rest } = body;
  const { url, ...settings } = resolveAliases(rest);
  if (url === undefined)
    throw validationError("url is required", [
      { path: "url", code: "invalid_type", message: "url (or webhook_url) is required" },
    ]);
  return {
    ...settings,
    url,
    ...(secret === undefined ? {} : { secret }),
    ...(webhook_secret === undefined ? {} : { rawSecret: webhook_secret }),
    ...(signing_version === undefined ? {} : { signing_version }),
  };
}

export const rotateSecretBody = z
  .strictObject({
    signing_version: signingVersion.optional().openapi({
      description: "Switch to this signing version (default: keep the endpoint's)",
    }),
  })
  .openapi("RotateSecret", { example: { signing_version: "v1a" } });

export function toUpdateInput(body: UpdateBody): UpdateEndpointInput {
  return resolveAliases(body);
}

const ts = z.string().openapi({ format: "date-time", example: "2026-03-16T10:00:00.000Z" });

export const endpointView = z
  .object({
    id: z.string().openapi({ example: "ep_01JQ3Z7Y8K4M2N6P9R1S3T5V7W" }),
    label: z.string().nullable(),
    description: z.string().nullable(),
    url: z.string(),
    event_types: z.array(z.string()),
    agent_id: z.union([z.string(), z.number().int()]).nullable(),
    status: z.enum(["active", "disabled", "failing"]).openapi({
      description: "active; disabled (paused by you or auto-disabled); failing (set after 24 h of failures)",
    }),
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
    filter: z.record(z.string(), z.unknown()).nullable().openapi({
      description: "Payload filter (docs/filters.md); null = every event",
    }),
    filtered_count: z.number().int().openapi({
      description: "Events that matched the subscription but not the filter, so were not delivered",
    }),
    previous_secret_expires_at: ts.nullable().openapi({
      description: "Until then, the secret before the last rotation also signs deliveries",
    }),
    max_retries: z.number().int(),
    timeout_ms: z.number().int(),
    rate_limit: z.number().int().nullable().openapi({
      description: "Deliveries per second at most, across every delivery process; null = no limit",
    }),
    headers: z.record(z.string(), z.string()),
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

export const endpointIdParam = pathId("ep_01JQ3Z7Y8K4M2N6P9R1S3T5V7W");

/**
 * The public view: every field but the secrets (and the org id, which is the caller's own).
 * `origin` (the API's own, e.g. `https://api.example.com`) makes `jwks_url` absolute;
 * `shownHeaders` is what the caller may see of the custom headers (`headersShownTo` in
 * core/api/router.ts; by default credential headers are redacted).
 */
export function toEndpointView(
  rec: EndpointRecord,
  now: Date,
  origin = "",
  shownHeaders: (headers: Record<string, string>) => Record<string, string> = redactHeaders,
): EndpointView {
  const graceOver =
    !rec.previous_secret_expires_at || Date.parse(rec.previous_secret_expires_at) <= now.getTime();
  return {
    id: rec.id,
    label: rec.label,
    description: rec.description,
    url: rec.url,
    event_types: rec.event_types,
    agent_id: rec.agent_id,
    status: rec.status,
    enabled: rec.status !== "disabled",
    ...endpointKeys(rec, origin),
    filter: rec.filter ? (JSON.parse(rec.filter) as Record<string, unknown>) : null,
    filtered_count: rec.filtered_count ?? 0,
    previous_secret_expires_at: graceOver ? null : rec.previous_secret_expires_at,
    max_retries: rec.max_retries,
    timeout_ms: rec.timeout_ms,
    rate_limit: rec.rate_limit ?? null,
    headers: shownHeaders(rec.headers ?? {}),
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
