/** Bodies and responses of /v1/portal-sessions. */
import { z } from "@hono/zod-openapi";
import { CAPABILITIES, SESSION_SECONDS } from "../../portal/index.js";

const capability = z.enum(CAPABILITIES);

export const createPortalSessionBody = z
  .strictObject({
    org_id: z.string().min(1).max(64).optional().openapi({
      description: "The organization the session is for (platform admins only); default: the caller's",
    }),
    agent_id: z
      .union([z.string().min(1).max(200), z.number().int()])
      .optional()
      .transform((v) => (v === undefined ? undefined : String(v)))
      .openapi({ description: "The session sees only this agent's endpoints and events" }),
    capabilities: z
      .array(capability)
      .max(CAPABILITIES.length)
      .optional()
      .openapi({
        description: "What the session may do; `view` is always included. Default: all but reveal_secret",
        example: ["view", "manage_endpoints", "send_test"],
      }),
    event_types: z.array(z.string().min(1).max(200)).min(1).max(100).optional().openapi({
      description: "Catalog entries the session may see and subscribe to; default: the whole catalog",
    }),
    expires_in: z
      .number()
      .int()
      .min(SESSION_SECONDS.min)
      .max(SESSION_SECONDS.max)
      .optional()
      .openapi({
        description: `Seconds; ${SESSION_SECONDS.default} when omitted, at most 7 days`,
        example: 3600,
      }),
    return_url: z.string().max(2048).optional().openapi({
      description: "Where the portal sends a user whose session has expired or was revoked",
    }),
  })
  .openapi("CreatePortalSession", {
    example: {
      agent_id: "agent_42",
      capabilities: ["view", "manage_endpoints", "send_test"],
      expires_in: 3600,
    },
  });

export const portalSession = z
  .object({
    id: z.string().openapi({ example: "ps_01JQ3Z7Y8K4M2N6P9R1S3T5V7W" }),
    url: z
      .string()
      .openapi({ description: "The portal with the token in its fragment: put it in an iframe" }),
    token: z.string().openapi({ description: "A Bearer token for the API, limited to the session's scope" }),
    expires_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("PortalSession");

export const currentPortalSession = z
  .object({
    id: z.string(),
    org_id: z.string(),
    agent_id: z.string().nullable(),
    capabilities: z.array(capability),
    event_types: z.array(z.string()).nullable(),
    expires_at: z.string().nullable().openapi({ description: "null for an API key" }),
    return_url: z.string().nullable(),
    secret_grace_hours: z.number().openapi({ description: "How long a rotated-out secret keeps signing" }),
  })
  .openapi("CurrentPortalSession");

export const portalSessionIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "ps_01JQ3Z7Y8K4M2N6P9R1S3T5V7W" }),
});

export const revokeQuery = z.object({
  org_id: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .openapi({ param: { name: "org_id", in: "query" }, description: "Platform admins: the session's org" }),
});
