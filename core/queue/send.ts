/**
 * Batch sends with the failures SendMessageBatch reports per entry retried, so a partial
 * failure never silently drops a message: what still fails after the retries is thrown.
 */
import {
  type MessageAttributeValue,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from "@aws-sdk/client-sqs";

export interface OutgoingMessage {
  /** Unique within the call; reported back on failure. */
  id: string;
  body: string;
  attributes?: Record<string, MessageAttributeValue>;
  delaySeconds?: number;
}

export class SendError extends Error {
  constructor(
    readonly failedIds: string[],
    readonly sentIds: string[],
  ) {
    super(`SQS refused ${failedIds.length} message(s) after retries`);
  }
}

const BATCH = 10;
const RETRIES = 3;

/** Sends all messages (10 per call); returns the ids sent, in order of success. */
export async function sendAll(
  sqs: SQSClient,
  queueUrl: string,
  messages: OutgoingMessage[],
): Promise<string[]> {
  const sent: string[] = [];
  const failed: string[] = [];
  for (let i = 0; i < messages.length; i += BATCH) {
    const chunk = messages.slice(i, i + BATCH);
    const result = await sendChunk(sqs, queueUrl, chunk);
    sent.push(...result.sent);
    failed.push(...result.failed);
  }
  if (failed.length > 0) throw new SendError(failed, sent);
  return sent;
}

async function sendChunk(sqs: SQSClient, queueUrl: string, chunk: OutgoingMessage[]) {
  const sent: string[] = [];
  let pending = chunk;
  for (let attempt = 0; attempt <= RETRIES && pending.length > 0; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
    const byIndex = new Map(pending.map((m, i) => [String(i), m]));
    const entries: SendMessageBatchRequestEntry[] = pending.map((m, i) => ({
      Id: String(i),
      MessageBody: m.body,
      MessageAttributes: m.attributes,
      DelaySeconds: m.delaySeconds,
    }));
    const res = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    for (const ok of res.Successful ?? []) sent.push(byIndex.get(ok.Id!)!.id);
    // Sender faults (bad entry) will not succeed on retry; only retry the server-side ones.
    const retry = (res.Failed ?? []).filter((f) => !f.SenderFault).map((f) => byIndex.get(f.Id!)!);
    const fatal = (res.Failed ?? []).filter((f) => f.SenderFault).map((f) => byIndex.get(f.Id!)!.id);
    if (fatal.length > 0) return { sent, failed: [...fatal, ...retry.map((m) => m.id)] };
    pending = retry;
  }
  return { sent, failed: pending.map((m) => m.id) };
}
