/** Bodies and responses of /v1/organizations. */
import { z } from "@hono/zod-openapi";
import { createdApiKey } from "./api-keys.js";

export const createOrganizationBody = z
  .strictObject({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "lowercase letters, digits, '_' and '-', at most 64")
      .optional()
      .openapi({ description: "Your own id for the tenant (e.g. your customer id); generated when absent" }),
    name: z.string().min(1).max(200),
  })
  .openapi("CreateOrganization");

export const organization = z
  .object({
    id: z.string().openapi({ example: "acme" }),
    name: z.string(),
    created_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Organization");

export const createdOrganization = organization
  .extend({
    api_key: createdApiKey.openapi({ description: "The organization's first admin key; shown once" }),
  })
  .openapi("CreatedOrganization");

export const orgIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});
