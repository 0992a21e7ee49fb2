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
 *
 * Each message carries its organization as its `MessageGroupId`: on a standard queue that makes
 * it an SQS fair queue (docs/scale.md, "Fair queues"), so one organization's burst does not hold
 * back the others' events on the shared ingest queue; the service's own sends to that queue
 * (deferred copies, core/events/defer.ts; operational events) use the same tenant.
 */
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { groupIdOf, sendAll } from "./sqs/batch.js";
import { type PublishableEvent, toMessage } from "./sqs/publish-message.js";

export type { PublishableEvent };

/** Publishes one event; returns the SQS message id. Throws on an invalid event. */
export async function publishEvent(
  sqs: SQSClient,
  queueUrl: string,
  event: PublishableEvent,
): Promise<string> {
  const { body, tenant } = toMessage(event);
  const res = await sqs.send(
    new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body, MessageGroupId: groupIdOf(tenant) }),
  );
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
  const messages = events.map((e, i) => ({ id: String(i), ...toMessage(e) }));
  await sendAll(sqs, queueUrl, messages);
}
