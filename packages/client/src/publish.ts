/**
 * For producers: publish events to the ingest queue with a typed message (10 events per
 * SendMessageBatch; entries SQS refuses are retried).
 *
 * ```ts
 * import { SQSClient } from "@aws-sdk/client-sqs";
 * import { publishEvent } from "@hookrelay/client/publish";
 * await publishEvent(new SQSClient({}), Resource.IngestQueue.url, {
 *   org_id: "org_123", type: "telephony.complete", id: callId, data: { call_id: callId },
 * });
 * ```
 *
 * The message is checked against the same zod schema the ingest function uses, so a
 * malformed event fails here, in the producer, instead of landing in the ingest DLQ.
 * Whether `type` is in the organization's catalog is only known to the service.
 */
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type * as z from "zod";
import { sendAll } from "./sqs/batch.js";
import { ingestMessage } from "./sqs/ingest-message.js";

/** What producers pass: `agent_id` may be a number, `deliver_at` an ISO string or a Date. */
export type PublishableEvent = Omit<z.input<typeof ingestMessage>, "deliver_at"> & {
  deliver_at?: string | Date;
};

function toBody(event: PublishableEvent): string {
  const deliverAt = event.deliver_at instanceof Date ? event.deliver_at.toISOString() : event.deliver_at;
  const message = ingestMessage.parse({ ...event, deliver_at: deliverAt });
  return JSON.stringify(message);
}

/** Publishes one event; returns the SQS message id. Throws on an invalid event. */
export async function publishEvent(
  sqs: SQSClient,
  queueUrl: string,
  event: PublishableEvent,
): Promise<string> {
  const res = await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: toBody(event) }));
  return res.MessageId ?? "";
}

/**
 * Publishes many events, 10 per SendMessageBatch, retrying entries SQS refuses.
 * Throws a SendError (./sqs/batch.ts) naming the indexes that still failed.
 */
export async function publishEvents(
  sqs: SQSClient,
  queueUrl: string,
  events: readonly PublishableEvent[],
): Promise<void> {
  const messages = events.map((e, i) => ({ id: String(i), body: toBody(e) }));
  await sendAll(sqs, queueUrl, messages);
}
