/**
 * Batch sends with the failures SendMessageBatch reports per entry retried, so a partial
 * failure never silently drops a message: what still fails after the retries is thrown.
 * The SQS batching itself lives in the client package (packages/client/src/sqs/batch.ts),
 * which the producer helper and the DLQ redrive share with the server.
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import { batches, type OutgoingMessage, SendError, sendChunk } from "../../packages/client/src/sqs/batch.js";
import { mapLimit } from "../lib/index.js";
import type { QueueMessage, QueueName, QueueSendReport, TaskQueue } from "../model/index.js";

export {
  batches,
  messageBytes,
  type OutgoingMessage,
  SendError,
  sendAll,
} from "../../packages/client/src/sqs/batch.js";

/**
 * Sends every message through a task queue; returns the ids sent. What the queue refused is
 * thrown as a SendError naming it; an error a whole call threw is thrown as it is.
 */
export async function sendAllVia(
  queue: Pick<TaskQueue, "send">,
  name: QueueName,
  messages: QueueMessage[],
): Promise<string[]> {
  const report = await queue.send(name, messages, { parallel: 1 });
  if (report.error !== undefined) throw report.error;
  if (report.failed.length > 0) throw new SendError(report.failed, report.sent);
  return report.sent;
}

/**
 * Sends all messages, up to `parallel` calls at a time, and never throws: entries SQS kept
 * refusing and every entry of a call that threw (after the SDK's own retries) are reported
 * in `failed`, so callers can tell exactly which messages are on the queue.
 */
export async function sendEach(
  sqs: SQSClient,
  queueUrl: string,
  messages: OutgoingMessage[],
  parallel = 4,
): Promise<QueueSendReport> {
  const report: QueueSendReport = { sent: [], failed: [] };
  await mapLimit(batches(messages), parallel, async (chunk) => {
    try {
      const result = await sendChunk(sqs, queueUrl, chunk);
      report.sent.push(...result.sent);
      report.failed.push(...result.failed);
    } catch (err) {
      report.error ??= err;
      report.failed.push(...chunk.map((m) => m.id));
    }
  });
  return report;
}
