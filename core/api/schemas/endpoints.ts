/**
 * Bodies and responses of /v1/webhook-endpoints; the public view of a stored endpoint (which
 * never includes a secret: only `secret_hint`) is endpoint-view.ts.
 */

import { z } from "@hono/zod-openapi";
import type { CreateEndpointInput, UpdateEndpointInput } from "../../endpoints/index.js";
import {
  type AwsEndpointType,
  agentIdInput,
  isAwsType,
  MAX_DESCRIPTION_LENGTH,
  MAX_LABEL_LENGTH,
  MAX_SECRET_LENGTH,
  MAX_URL_LENGTH,
  RATE_LIMIT,
  RETRIES,
  TIMEOUT_MS,
  validationError,
} from "../../model/index.js";
import { aliasInput, rawSecretInput, resolveAliases } from "../aliases.js";
import { awsCreateFields, awsUpdateFields, splitAws } from "./endpoint-destinations.js";
import { signingVersion } from "./endpoint-view.js";
import { eventTypeList } from "./event-type-list.js";
import { orderingInput } from "./ordering.js";
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
  status: z.enum(["active", "disabled", "paused"], {
    error: "status must be active, disabled or paused (failing is set only by the service)",
  }),
  // Not z.record: copying keys into a new object would lose `__proto__`; checkFilter checks it all.
  filter: z.unknown().openapi({
    type: ["object", "null"],
    description:
      "Payload filter (JSON match on `{ id, type, agent_id, timestamp, data }`, see docs/filters.md); null = every event",
    example: { data: { amount: { $gte: 100 } } },
  }),
};

/** Everything but the URL: optional when creating as when updating. Aliases: core/api/aliases.ts. */
const optionalSettings = {
  label: fields.label.optional(),
  description: fields.description.optional(),
  event_types: fields.event_types.optional(),
  agent_id: fields.agent_id.optional(),
  max_retries: fields.max_retries.optional(),
  timeout_ms: fields.timeout_ms.optional(),
  rate_limit: fields.rate_limit.optional(),
  ...orderingInput,
  headers: fields.headers.optional(),
  status: fields.status.optional(),
  filter: fields.filter.optional(),
  ...aliasInput,
};

const secretInput = {
  secret: z.string().max(MAX_SECRET_LENGTH).optional().openapi({
    description:
      "Your own signing secret: `whsec_` + base64 of 24–64 bytes. Generated when absent (v1 only).",
  }),
  signing_version: signingVersion.optional().openapi({
    description: "v1 (HMAC-SHA256, the default when omitted) or v1a (ed25519)",
  }),
};

const httpsCreate = z
  .strictObject({
    type: z.literal("https").optional().openapi({ description: "`https` (the default): a POST to `url`" }),
    url: fields.url.optional().openapi({ description: "Required (or its alias `webhook_url`)" }),
    ...optionalSettings,
    ...secretInput,
    ...rawSecretInput,
  })
  .openapi("CreateHttpsEndpoint");

/** An AWS type's settings: no URL (its target stands for it) and no custom headers. */
const { headers: _headers, webhook_url: _url, ...awsSettings } = optionalSettings;

const awsCreate = <T extends AwsEndpointType>(type: T, name: string) =>
  z.strictObject({ ...awsCreateFields(type), ...awsSettings, ...secretInput }).openapi(name);

/** The AWS types, discriminated by their required `type` (OpenAPI: a discriminator with its mapping). */
export const awsCreateBody = z
  .discriminatedUnion("type", [
    awsCreate("aws_sqs", "CreateSqsEndpoint"),
    awsCreate("aws_sns", "CreateSnsEndpoint"),
    awsCreate("aws_eventbridge", "CreateEventBridgeEndpoint"),
    awsCreate("aws_s3", "CreateS3Endpoint"),
  ])
  .openapi("CreateAwsEndpoint");

/**
 * An https endpoint (`type` optional, as every body before the AWS types) or an AWS one. Two
 * levels, so generated clients keep `type` optional for https and required for the others.
 */
export const createEndpointBody = z.union([httpsCreate, awsCreateBody]).openapi("CreateEndpoint", {
  // Two levels, not flattened: the AWS member keeps its discriminator (its `type` is required).
  anyOf: [
    { $ref: "#/components/schemas/CreateHttpsEndpoint" },
    { $ref: "#/components/schemas/CreateAwsEndpoint" },
  ],
  example: {
    url: "https://your-app.com/webhooks/hookrelay",
    event_types: ["voice.call.ended"],
    description: "Production receiver",
  },
});

export const updateEndpointBody = z
  .strictObject({ url: fields.url.optional(), ...optionalSettings, ...awsUpdateFields })
  .openapi("UpdateEndpoint", { example: { status: "disabled" } });

type CreateBody = z.infer<typeof createEndpointBody>;
type UpdateBody = z.infer<typeof updateEndpointBody>;

export function toCreateInput(body: CreateBody): CreateEndpointInput {
  // Every variant's fields are a subset of these (the union is checked; its members have no other).
  const flat = body as UpdateBody & {
    secret?: string;
    webhook_secret?: string;
    signing_version?: "v1" | "v1a";
  };
  const { secret, webhook_secret, signing_version, ...others } = flat;
  const { type, aws, rest } = splitAws(others);
  const { url, ...settings } = resolveAliases(rest);
  if (url === undefined && !isAwsType(type))
    throw validationError("url is required", [
      { path: "url", code: "invalid_type", message: "url (or webhook_url) is required" },
    ]);
  return {
    ...settings,
    ...(url === undefined ? {} : { url }),
    ...(type === undefined ? {} : { type }),
    ...(aws ? { aws } : {}),
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
  const { type, aws, rest } = splitAws(body);
  return { ...resolveAliases(rest), ...(type === undefined ? {} : { type }), ...(aws ? { aws } : {}) };
}

export { type EndpointView, endpointView, endpointWithSecret, toEndpointView } from "./endpoint-view.js";

export const endpointIdParam = pathId("ep_01JQ3Z7Y8K4M2N6P9R1S3T5V7W");
