/**
 * Helpers of the ingest tests: endpoints written as items (no dependency on the endpoints
 * API), a collector for the delivery queue and the DLQ, and a driver that publishes to the
 * ingest queue and runs exactly the batches Lambda would run.
 */
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { expect } from "vitest";
import type { Deps } from "../../core/deps.js";
import { createIngestHandler } from "../../core/events/ingest-handler.js";
import type { EndpointRecord } from "../../core/model/endpoint.js";
import { type DeliveryTask, deliveryTask } from "../../core/model/task.js";
import { invokeBatch } from "../../local/event-source.js";
import { putEndpointRecord } from "../support/endpoints.js";
import type { TestStack } from "../support/stack.js";
import { waitFor } from "../support/wait.js";

export const putEndpoint = (deps: Deps, org: string, over: Partial<EndpointRecord> = {}) =>
  putEndpointRecord(deps, {
    org_id: org,
    url: "http://127.0.0.1:9/hook",
    max_retries: 5,
    timeout_ms: 5000,
    secret: "whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0",
    ...over,
  });

/**
 * Receives (and deletes) everything on a queue into per-key buckets, so tests sharing a
 * file's queues only look at their own organization's messages.
 */
export class QueueCollector<T> {
  private readonly buckets = new Map<string, T[]>();

  constructor(
    private readonly sqs: SQSClient,
    private readonly url: string,
    private readonly parse: (m: Message) => { key: string; value: T },
  ) {}

  async poll(waitSeconds = 0): Promise<void> {
    const res = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: waitSeconds,
        MessageAttributeNames: ["All"],
      }),
    );
    const messages = res.Messages ?? [];
    if (messages.length === 0) return;
    for (const m of messages) {
      const { key, value } = this.parse(m);
      const list = this.buckets.get(key) ?? [];
      list.push(value);
      this.buckets.set(key, list);
    }
    await this.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: this.url,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }

  /** Waits until `key` has at least `n` messages, then checks nothing more is on the way. */
  async expect(key: string, n: number): Promise<T[]> {
    await waitFor(
      async () => {
        if ((this.buckets.get(key)?.length ?? 0) >= n) return true;
        await this.poll(1);
        return false;
      },
      { what: `${n} message(s) for ${key}`, intervalMs: 0 },
    );
    // Everything was sent before we were called: one more empty receive settles "no extras".
    await this.poll(0);
    return this.buckets.get(key) ?? [];
  }

  /** What arrived for `key` so far, after draining the queue. */
  async settled(key: string): Promise<T[]> {
    await this.poll(0);
    await this.poll(0);
    return this.buckets.get(key) ?? [];
  }
}

export function taskCollector(stack: TestStack): QueueCollector<DeliveryTask> {
  return new QueueCollector(stack.deps.sqs, stack.config.queues.delivery, (m) => {
    const task = deliveryTask.parse(JSON.parse(m.Body ?? ""));
    return { key: task.org_id, value: task };
  });
}

export interface DeadLetter {
  body: string;
  code: string;
  message: string;
  details?: string;
  /** Set when the body was cut so that the reason fits: the original body's size. */
  bodyBytes?: string;
}

/** DLQ messages keyed by the `marker` field tests put in their messages' data (or the raw body). */
export function dlqCollector(stack: TestStack): QueueCollector<DeadLetter> {
  return new QueueCollector(stack.deps.sqs, stack.config.queues.ingestDlq, (m) => {
    const body = m.Body ?? "";
    const a = m.MessageAttributes ?? {};
    let key = body;
    try {
      const parsed = JSON.parse(body) as { org_id?: string };
      if (typeof parsed.org_id === "string") key = parsed.org_id;
    } catch {
      // Not JSON (malformed, or cut to fit the DLQ with its reason): keyed by an org_id it
      // still shows, else by its raw body.
      const org = /^\{"org_id":"([^"]+)"/.exec(body)?.[1];
      if (org) key = org;
    }
    return {
      key,
      value: {
        body,
        code: a.error_code?.StringValue ?? "",
        message: a.error_message?.StringValue ?? "",
        details: a.error_details?.StringValue,
        bodyBytes: a.body_bytes?.StringValue,
      },
    };
  });
}

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

/** Receives the given SQS message ids (other messages are left alone to reappear). */
export async function receiveIds(sqs: SQSClient, url: string, ids: Set<string>): Promise<Message[]> {
  const got = new Map<string, Message>();
  await waitFor(
    async () => {
      const res = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ["All"],
          MessageAttributeNames: ["All"],
        }),
      );
      for (const m of res.Messages ?? []) if (ids.has(m.MessageId!)) got.set(m.MessageId!, m);
      return got.size === ids.size;
    },
    { what: "messages on the ingest queue", intervalMs: 0 },
  );
  return [...got.values()];
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

/** A hand-built SQS event, for calling the handler directly (e.g. to redeliver the same record). */
export function sqsEvent(records: { id: string; body: unknown; sentAt?: number }[]): SQSEvent {
  return {
    Records: records.map(
      (r): SQSRecord => ({
        messageId: r.id,
        receiptHandle: `rh-${r.id}`,
        body: typeof r.body === "string" ? r.body : JSON.stringify(r.body),
        attributes: {
          ApproximateReceiveCount: "1",
          SentTimestamp: String(r.sentAt ?? Date.now()),
          SenderId: "000000000000",
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: "",
        eventSource: "aws:sqs",
        eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:IngestQueue",
        awsRegion: "us-east-1",
      }),
    ),
  };
}

/** Moved to the test kit (test/support/faults.ts); re-exported for files written against this module. */
export { countCalls, failCalls, failEntries } from "../support/faults.js";
