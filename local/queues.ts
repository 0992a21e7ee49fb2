/**
 * Reading the local stack's queues from outside the service: how many messages each holds,
 * and every message on one. Used by the tests, the soak run (scripts/soak.ts) and the bench.
 */
import {
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { waitFor } from "./wait.js";

export async function queueCounts(
  sqs: SQSClient,
  url: string,
): Promise<{ visible: number; inFlight: number; delayed: number }> {
  const res = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
      ],
    }),
  );
  const a = res.Attributes ?? {};
  return {
    visible: Number(a.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(a.ApproximateNumberOfMessagesDelayed ?? 0),
  };
}

/** Receives (and leaves to expire) every message on a queue that nobody else consumes. */
export async function receiveAll(sqs: SQSClient, url: string, expected?: number): Promise<Message[]> {
  const seen = new Map<string, Message>();
  const read = async () => {
    const res = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 600,
        MessageAttributeNames: ["All"],
        MessageSystemAttributeNames: ["All"],
      }),
    );
    for (const m of res.Messages ?? []) seen.set(m.MessageId!, m);
    return (res.Messages ?? []).length;
  };
  if (expected !== undefined) {
    await waitFor(async () => (await read()) >= 0 && seen.size >= expected, {
      what: `${expected} message(s) on ${url} (got ${seen.size})`,
      timeoutMs: 30_000,
      intervalMs: 0,
    });
  }
  while ((await read()) > 0) {
    // keep reading until the queue answers empty
  }
  return [...seen.values()];
}
