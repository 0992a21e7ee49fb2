/** Bodies and responses of /v1/erasures and DELETE /v1/events/{id}/payload (docs/data.md). */
import { z } from "@hono/zod-openapi";
import { type ErasureRecord, MAX_SUBJECT_LENGTH, subjectString } from "../../model/index.js";
import { pathId } from "./params.js";

export const startErasureBody = z
  .strictObject({
    subject: subjectString.meta({
      description: `The data subject whose payloads to erase: the \`subject\` events were published with (1-${MAX_SUBJECT_LENGTH} printable ASCII characters)`,
      example: "user_4821",
    }),
  })
  .openapi("StartErasure", { example: { subject: "user_4821" } });

export const erasureView = z
  .object({
    id: z.string().openapi({ example: "era_01JQ3Z7Y8K4M2N6P9R1S3T5V7W" }),
    kind: z.enum(["subject", "event"]),
    subject_sha256: z.string().nullable().openapi({
      description: "SHA-256 (base64url) of the subject erased: the record never holds the subject itself",
    }),
    event_id: z.string().nullable(),
    requested_by: z.string().openapi({ description: "The id of the API key (or portal session) that asked" }),
    requested_at: z.string().openapi({ format: "date-time" }),
    status: z.enum(["running", "succeeded", "failed"]),
    erased: z.number().int().openapi({ description: "Events whose payload this erasure removed" }),
    responses_erased: z.number().int().openapi({ description: "Stored attempt response bodies it removed" }),
    finished_at: z.string().nullable().openapi({ format: "date-time" }),
    task_id: z
      .string()
      .nullable()
      .openapi({ description: "The tracked task running it: GET /v1/tasks/{id}" }),
  })
  .openapi("Erasure");

export const toErasureView = ({ org_id: _org, ...r }: ErasureRecord) => r;

export const erasureIdParam = pathId("era_01JQ3Z7Y8K4M2N6P9R1S3T5V7W");
