/**
 * Sets the visibility timeout of received messages in batches of 10: the delivery engine's
 * retry delay is the time SQS hides the message before it comes back.
 */
import { ChangeMessageVisibilityBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";

export interface VisibilityChange {
  receiptHandle: string;
  /** Whole seconds, 0 to 43200. */
  seconds: number;
}

/** Returns how many changes SQS refused (those messages reappear after the queue's default). */
export async function changeVisibility(
  sqs: SQSClient,
  queueUrl: string,
  changes: VisibilityChange[],
): Promise<number> {
  let refused = 0;
  const calls: Promise<void>[] = [];
  for (let i = 0; i < changes.length; i += 10) {
    const chunk = changes.slice(i, i + 10);
    calls.push(
      sqs
        .send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map((c, j) => ({
              Id: String(j),
              ReceiptHandle: c.receiptHandle,
              VisibilityTimeout: c.seconds,
            })),
          }),
        )
        .then(
          (res) => {
            refused += res.Failed?.length ?? 0;
          },
          () => {
            refused += chunk.length;
          },
        ),
    );
  }
  await Promise.all(calls);
  return refused;
}
