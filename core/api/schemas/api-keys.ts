/** Bodies and responses of /v1/api-keys. */
import { z } from "@hono/zod-openapi";
import { MAX_KEY_NAME_LENGTH, role as roleEnum } from "../../model/index.js";
import { pathId } from "./params.js";

const role = roleEnum.meta({
  description: "admin: everything; member: read and publish events; viewer: read only",
});

export const createApiKeyBody = z
  .strictObject({
    name: z.string().min(1).max(MAX_KEY_NAME_LENGTH).nullable().optional(),
    role,
    mode: z
      .enum(["live", "test"])
      .optional()
      .openapi({ description: "sk_live_… or sk_test_…; live when omitted", example: "live" }),
  })
  .openapi("CreateApiKey", { example: { name: "ci-publisher", role: "member", mode: "live" } });

export const apiKeyInfo = z
  .object({
    id: z.string().openapi({ example: "key_01JQ3Z7Y8K4M2N6P9R1S3T5V7W" }),
    name: z.string().nullable(),
    role,
    mode: z.enum(["live", "test"]),
    prefix: z.string().openapi({ description: "First characters of the key", example: "sk_live_AbCd" }),
    created_at: z.string().openapi({ format: "date-time" }),
    revoked_at: z.string().nullable().openapi({ format: "date-time" }),
  })
  .openapi("ApiKey");

export const createdApiKey = apiKeyInfo
  .extend({ key: z.string().openapi({ description: "The raw API key; shown only in this response" }) })
  .openapi("CreatedApiKey");

export const keyIdParam = pathId();
