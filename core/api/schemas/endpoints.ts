/**
 * Bodies and responses of /v1/webhook-endpoints; the public view of a stored endpoint (which
 * never includes a secret: only `secret_hint`) is endpoint-view.ts.
 */

import { z } from "@hono/zod-openapi";
import type { CreateEndpointInput, UpdateEndpointInput } from "../../endpoints/index.js";
import {
  AWS_TYPES,
  type AwsEndpointType,
  endpointSettingInputs,
  isAwsType,
  MAX_SECRET_LENGTH,
  MAX_URL_LENGTH,
  validationError,
} from "../../model/index.js";
import { aliasInput, rawSecretInput, resolveAliases } from "../aliases.js";
import { awsCreateFields, awsUpdateFields, splitAws } from "./endpoint-destinations.js";
import { signingVersion } from "./endpoint-view.js";
import { pathId } from "./params.js";

const url = z
  .string()
  .min(1)
  .max(MAX_URL_LENGTH)
  .openapi({ example: "https://your-app.com/webhooks/hookrelay" });

/**
 * Everything but the URL, from the endpoint's one contract (core/model/endpoint-settings.ts):
 * optional when creating as when updating. Aliases: core/api/aliases.ts.
 */
const optionalSettings = { ...endpointSettingInputs, ...aliasInput };

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
    url: url.optional().openapi({ description: "Required (or its alias `webhook_url`)" }),
    ...optionalSettings,
    ...secretInput,
    ...rawSecretInput,
  })
  .openapi("CreateHttpsEndpoint");

/** An AWS type's settings: no URL (its target stands for it) and no custom headers. */
const { headers: _headers, webhook_url: _url, ...awsSettings } = optionalSettings;

const awsCreate = <T extends AwsEndpointType>(type: T, name: string) =>
  z.strictObject({ ...awsCreateFields(type), ...awsSettings, ...secretInput }).openapi(name);

/**
 * The AWS types, one member each in the list's order (core/model/destinations/), discriminated
 * by their required `type` (OpenAPI: a discriminator with its mapping).
 */
const [first, ...others] = AWS_TYPES.map((t) => awsCreate(t.type, t.schemaName));
export const awsCreateBody = z.discriminatedUnion("type", [first!, ...others]).openapi("CreateAwsEndpoint");

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
  .strictObject({ url: url.optional(), ...optionalSettings, ...awsUpdateFields })
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
