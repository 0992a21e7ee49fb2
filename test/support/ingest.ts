/**
 * The ingest function driven as Lambda would drive it: messages sent to the ingest queue,
 * received back, and run as one batch by the event-source emulation.
 */
import { type Message, SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { expect } from "vitest";
import type { Deps } from "../../core/all-deps.js";
import { createIngestHandler } from "../../core/events/ingest-handler.js";
import { invokeBatch } from "../../local/event-source.js";
import { receiveIds } from "./queues.js";
import type { TestStack } from "./stack.js";

/**
 * Sends `bodies` to the ingest queue (objects as JSON), receives them back and runs the
 * ingest handler on them as one Lambda batch (the event-source emulation deletes what
 * succeeded). Returns the handler's response and the received SQS messages.
 */
export async function publishAndProcess(
  stack: TestStack,
  bodies: unknown[],
  deps: Deps = stack.deps,
): Promise<{ response: SQSBatchResponse; messages: Message[] }> {
  const sqs = stack.deps.sqs;
  const url = stack.config.queues.ingest;
  const sent = await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: url,
      Entries: bodies.map((b, i) => ({
        Id: String(i),
        MessageBody: typeof b === "string" ? b : JSON.stringify(b),
      })),
    }),
  );
  const ids = new Set((sent.Successful ?? []).map((s) => s.MessageId!));
  expect(ids.size).toBe(bodies.length);
  const messages = await receiveIds(sqs, url, ids);
  return { response: await runBatch(stack, messages, deps), messages };
}

/** Runs the ingest handler on received messages exactly as the Lambda event source would. */
export async function runBatch(stack: TestStack, messages: Message[], deps: Deps = stack.deps) {
  const handler = createIngestHandler(deps);
  let response: SQSBatchResponse = { batchItemFailures: [] };
  await invokeBatch(
    {
      sqs: stack.deps.sqs,
      queueUrl: stack.config.queues.ingest,
      queueArn: stack.env.INGEST_QUEUE_ARN ?? "arn:aws:sqs:us-east-1:000000000000:IngestQueue",
      batchSize: 10,
      concurrency: 1,
      waitTimeSeconds: 0,
      handler: async (event: SQSEvent) => {
        response = await handler(event);
        return response;
      },
    },
    messages,
  );
  return response;
}

/** The send lease checks scheduled for a message (local scheduler entries). */
export async function leaseChecks(stack: TestStack, msgId: string) {
  const res = await stack.deps.db.doc.send(
    new QueryCommand({
      TableName: stack.deps.db.table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :name)",
      ExpressionAttributeValues: { ":pk": "SCHEDULE", ":name": `fanout-${msgId}-lease` },
    }),
  );
  return (res.Items ?? []) as { target: string; body: string; due_at: string }[];
}
