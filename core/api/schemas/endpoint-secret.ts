/**
 * GET /v1/webhook-endpoints/{id}/secret: an endpoint's HMAC signing secrets (core/endpoints/secret-read.ts).
 */
import { z } from "@hono/zod-openapi";

export const endpointSecret = z
  .object({
    secret: z.string().openapi({ example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }),
    previous_secret: z.string().nullable().openapi({
      description:
        "The newest secret a rotation retired, while it still signs (grace period); else null. Never an ed25519 private key",
    }),
    previous_secret_expires_at: z.string().nullable().openapi({ format: "date-time" }),
  })
  .openapi("EndpointSecret");
