/**
 * Producer side: publish events to the ingest queue with a typed, validated message (the zod
 * schema the ingest function uses, so a malformed event fails in the producer instead of in
 * the ingest DLQ). 10 events per SendMessageBatch; entries SQS refuses are retried.
 *
 * ```ts
 * import { SQSClient } from "@aws-sdk/client-sqs";
 * import { publishEvent } from "@hookrelay/client/publish";
 * await publishEvent(new SQSClient({}), process.env.WEBHOOKS_INGEST_QUEUE_URL!, {
 *   org_id: "org_123", type: "voice.call.ended", id: callId, data: { call_id: callId },
 * });
 * ```
 */
export { type PublishableEvent, publishEvent, publishEvents } from "../../../core/events/publish.js";
