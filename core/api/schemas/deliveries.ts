/** Bodies and responses of the attempt log and recovery routes. */
import { z } from "@hono/zod-openapi";
import type { AttemptRecord } from "../../model/index.js";
import { paginationQuery } from "../pagination.js";
import { pathId } from "./params.js";

export const attemptView = z
  .object({
    id: z.string().openapi({ example: "att_01JQ3Z7Y8K4M2N6P9R1S3T5V7W" }),
    msg_id: z.string(),
    endpoint_id: z.string(),
    event_type: z.string(),
    attempt: z.number().int().openapi({ description: "1 for the first attempt, 2 for the first retry, …" }),
    timestamp: z.string().openapi({ format: "date-time", description: "When the request started" }),
    status: z.enum(["succeeded", "failed"]),
    status_code: z.number().int().nullable().openapi({ description: "null when no response arrived" }),
    latency_ms: z.number().int(),
    response_body: z.string().nullable().openapi({ description: "At most 4 KiB of the response body" }),
    error: z.string().nullable().openapi({
      description: "Why the attempt failed: `HTTP 500`, `timed out after 5000 ms`, an SSRF refusal, …",
    }),
    trigger: z.string().openapi({ description: "event, resend, recover, replay or test" }),
  })
  .openapi("Attempt");
export type AttemptView = z.infer<typeof attemptView>;

export function toAttemptView(a: AttemptRecord): AttemptView {
  return {
    id: a.id,
    msg_id: a.msg_id,
    endpoint_id: a.endpoint_id,
    event_type: a.event_type,
    attempt: a.attempt,
    timestamp: a.timestamp,
    status: a.success ? "succeeded" : "failed",
    status_code: a.status_code,
    latency_ms: a.latency_ms,
    response_body: a.response_body,
    error: a.error,
    trigger: a.trigger,
  };
}

export const attemptsQuery = paginationQuery.extend({
  status: z
    .enum(["succeeded", "failed"])
    .optional()
    .openapi({
      param: { name: "status", in: "query" },
      description: "Only successful or only failed attempts",
    }),
});

export const endpointAttemptsParam = pathId("ep_01JQ3Z7Y8K4M2N6P9R1S3T5V7W");
export const eventAttemptsParam = pathId("msg_01JQ3Z7Y8K4M2N6P9R1S3T5V7W");

export const resendParam = eventAttemptsParam.extend(
  pathId("ep_01JQ3Z7Y8K4M2N6P9R1S3T5V7W", "endpoint_id").shape,
);

export const resendResult = z
  .object({ message_id: z.string(), endpoint_id: z.string(), status: z.literal("pending") })
  .openapi("ResendResult");

export const recoverBody = z
  .strictObject({
    since: z.iso.datetime({ offset: true }).openapi({
      description:
        "Re-send every failed, skipped or abandoned delivery that failed (or was parked) at or after this time, whenever its event was created (e.g. the endpoint's first_failure_at), and every stuck delivery of events created since",
      example: "2025-01-01T00:00:00Z",
    }),
  })
  .openapi("RecoverEndpoint", { example: { since: "2026-03-16T00:00:00Z" } });

export const replayBody = z
  .strictObject({
    since: z.iso.datetime({ offset: true }).openapi({
      description:
        "From this time: when the delivery failed (`failed`) or was parked (`skipped`), or when the event was created (`all`)",
      example: "2026-03-16T00:00:00Z",
    }),
    until: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: "Up to this time (exclusive); default: when the task starts" }),
    status: z.enum(["failed", "skipped", "all"]).optional().openapi({
      description:
        "`failed` (default): failed or abandoned deliveries; `skipped`: those parked while the endpoint was disabled; `all`: every event meant for the endpoint",
    }),
    event_types: z
      .array(z.string().min(1).max(200))
      .min(1)
      .max(100)
      .optional()
      .openapi({ description: "Only events of these types (exact names)" }),
  })
  .openapi("ReplayEndpoint", { example: { since: "2026-03-16T00:00:00Z", status: "skipped" } });

export const attemptDetailParam = resendParam.extend(
  pathId("att_01JQ3Z7Y8K4M2N6P9R1S3T5V7W", "attempt_id").shape,
);

export const sentRequestView = z
  .object({
    method: z.literal("POST"),
    url: z.string(),
    headers: z.record(z.string(), z.string()).openapi({
      description: "Every header sent, in order; `webhook-signature` shows its version only (not stored)",
    }),
    body: z
      .string()
      .nullable()
      .openapi({ description: "The exact body sent; null once the event's payload expired or was erased" }),
    payload: z.enum(["available", "expired", "erased"]).openapi({
      description: "What is left of the event's payload (docs/data.md)",
    }),
    signature_stored: z.literal(false),
    settings_changed_since: z.boolean().openapi({
      description: "The endpoint was edited after the attempt: its URL and custom headers may have differed",
    }),
  })
  .openapi("SentRequest");

export const attemptDetailView = attemptView.extend({ request: sentRequestView }).openapi("AttemptDetail");

const rate = z.number().nullable().openapi({ description: "0–1; null without attempts" });
const meanLatency = z.number().int().nullable().openapi({ description: "ms; null without attempts" });

export const statsQuery = z.strictObject({
  window: z
    .enum(["24h", "7d"])
    .default("24h")
    .openapi({ param: { name: "window", in: "query" }, description: "24h (hourly buckets) or 7d (daily)" }),
});

export const endpointStatsView = z
  .object({
    window: z.enum(["24h", "7d"]),
    from: z.string().openapi({ format: "date-time" }),
    to: z.string().openapi({ format: "date-time" }),
    bucket_seconds: z.number().int(),
    attempts: z.number().int(),
    succeeded: z.number().int(),
    failed: z.number().int(),
    success_rate: rate,
    mean_latency_ms: meanLatency,
    median_latency_ms: meanLatency,
    truncated: z.boolean().openapi({
      description:
        "More attempts than one aggregate reads (10,000): the oldest events of the window are left out",
    }),
    buckets: z.array(
      z.object({
        start: z.string().openapi({ format: "date-time" }),
        attempts: z.number().int(),
        succeeded: z.number().int(),
        failed: z.number().int(),
        success_rate: rate,
        mean_latency_ms: meanLatency,
      }),
    ),
  })
  .openapi("EndpointStats");
