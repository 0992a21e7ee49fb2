/** Bodies and responses of /v1/organizations. */
import { z } from "@hono/zod-openapi";
import { MAX_ID_LENGTH, MAX_ORG_NAME_LENGTH } from "../../model/index.js";
import { createdApiKey } from "./api-keys.js";
import { pathId } from "./params.js";

export const createOrganizationBody = z
  .strictObject({
    id: z
      .string()
      .regex(
        new RegExp(`^[a-z0-9][a-z0-9_-]{0,${MAX_ID_LENGTH - 1}}$`),
        `lowercase letters, digits, '_' and '-', at most ${MAX_ID_LENGTH}`,
      )
      .optional()
      .openapi({ description: "Your own id for the tenant (e.g. your customer id); generated when absent" }),
    name: z.string().min(1).max(MAX_ORG_NAME_LENGTH),
  })
  .openapi("CreateOrganization", { example: { id: "acme", name: "Acme Inc." } });

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

export const orgIdParam = pathId();
