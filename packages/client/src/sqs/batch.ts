/**
 * Batch sends to SQS with the failures SendMessageBatch reports per entry retried, so a partial
 * failure never silently drops a message: what still fails after the retries is thrown. Owned by
 * the client package (its producer helper and `hookrelay dlq redrive` use it) and imported by the
 * server's queue adapter (core/queue/send.ts): the client never imports server code.
 */
import { createHash } from "node:crypto";
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
  /** FIFO queues: the message group and the deduplication id (no `delaySeconds` there). */
  fifo?: { groupId: string; dedupId: string };
  /** Standard queues: the tenant SQS fair queues share the consumers between (`MessageGroupId`). */
  tenant?: string;
}

export class SendError extends Error {
  constructor(
    readonly failedIds: string[],
    readonly sentIds: string[],
  ) {
    super(`SQS refused ${failedIds.length} message(s) after retries`);
  }
}

/** What SQS takes as a `MessageGroupId`: 1-128 ASCII letters, digits and punctuation. */
const GROUP_ID = /^[!-~]{1,128}$/;

/**
 * A tenant as a `MessageGroupId`: itself when SQS takes it, else its SHA-256 (hex), so an
 * organization id with a space or a non-ASCII letter (ids are any 1-64 characters) is still one
 * fair-queue tenant instead of a send SQS refuses.
 */
export function groupIdOf(tenant: string): string {
  return GROUP_ID.test(tenant) ? tenant : createHash("sha256").update(tenant).digest("hex");
}

/** SendMessageBatch takes at most 10 entries and 1 MiB of bodies and attributes per call. */
const BATCH = 10;
const MAX_BATCH_BYTES = 1_048_576;
const RETRIES = 3;

/** The size SQS counts for a message: body plus attribute names, types and values. */
export function messageBytes(m: OutgoingMessage): number {
  let n = Buffer.byteLength(m.body, "utf8");
  for (const [name, v] of Object.entries(m.attributes ?? {})) {
    n += Buffer.byteLength(name, "utf8") + Buffer.byteLength(v.DataType ?? "", "utf8");
    n +=
      v.StringValue !== undefined ? Buffer.byteLength(v.StringValue, "utf8") : (v.BinaryValue?.length ?? 0);
  }
  return n;
}

/** Groups messages in order into calls of at most 10 entries and 1 MiB. */
export function batches(messages: OutgoingMessage[]): OutgoingMessage[][] {
  const out: OutgoingMessage[][] = [];
  let current: OutgoingMessage[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = messageBytes(m);
    if (current.length > 0 && (current.length === BATCH || bytes + size > MAX_BATCH_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** Sends all messages (10 per call, one call after another); returns the ids sent, in order of success. */
export async function sendAll(
  sqs: SQSClient,
  queueUrl: string,
  messages: OutgoingMessage[],
): Promise<string[]> {
  const sent: string[] = [];
  const failed: string[] = [];
  for (const chunk of batches(messages)) {
    const result = await sendChunk(sqs, queueUrl, chunk);
    sent.push(...result.sent);
    failed.push(...result.failed);
  }
  if (failed.length > 0) throw new SendError(failed, sent);
  return sent;
}

/** Sends one batch of at most 10 entries, retrying the entries SQS failed on its side. */
export async function sendChunk(sqs: SQSClient, queueUrl: string, chunk: OutgoingMessage[]) {
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
      MessageGroupId: m.fifo?.groupId ?? (m.tenant === undefined ? undefined : groupIdOf(m.tenant)),
      MessageDeduplicationId: m.fifo?.dedupId,
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
