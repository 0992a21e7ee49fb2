/**
 * Emulates Lambda's SQS event source mapping: long-polls a queue, builds real `SQSEvent`
 * records, invokes the same handler Lambda invokes, and then does what Lambda does:
 *
 * - deletes the records that succeeded;
 * - leaves the ones listed in `batchItemFailures` (their visibility timeout, possibly
 *   changed by the handler, decides when they come back);
 * - treats a thrown error, or a response naming an unknown or empty id, as a failure of
 *   the whole batch: nothing is deleted.
 */
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from "aws-lambda";

export type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

export interface EventSourceOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  handler: SqsHandler;
  batchSize: number;
  /** Parallel pollers, like Lambda's concurrent invocations. */
  concurrency: number;
  waitTimeSeconds: number;
  region?: string;
  /** Called when an invocation fails as a whole (thrown error); defaults to stderr. */
  onInvokeError?: (err: unknown) => void;
}

export interface EventSource {
  /** Stops polling and waits for in-flight invocations. */
  stop(): Promise<void>;
}

export function startEventSource(opts: EventSourceOptions): EventSource {
  const abort = new AbortController();
  const workers = Array.from({ length: opts.concurrency }, () => pollLoop(opts, abort.signal));
  return {
    async stop() {
      abort.abort();
      await Promise.allSettled(workers);
    },
  };
}

async function pollLoop(opts: EventSourceOptions, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    let messages: Message[];
    try {
      const res = await opts.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: opts.queueUrl,
          MaxNumberOfMessages: opts.batchSize,
          WaitTimeSeconds: opts.waitTimeSeconds,
          MessageSystemAttributeNames: ["All"],
          MessageAttributeNames: ["All"],
        }),
        { abortSignal: signal },
      );
      messages = res.Messages ?? [];
    } catch (err) {
      if (signal.aborted) return;
      (opts.onInvokeError ?? defaultError)(err);
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    if (messages.length > 0) await invokeBatch(opts, messages);
  }
}

/** One invocation: exported so tests can drive a single batch deterministically. */
export async function invokeBatch(opts: EventSourceOptions, messages: Message[]): Promise<void> {
  const event: SQSEvent = {
    Records: messages.map((m) => toRecord(m, opts.queueArn, opts.region ?? "us-east-1")),
  };
  let response: SQSBatchResponse | undefined;
  try {
    response = await opts.handler(event);
  } catch (err) {
    (opts.onInvokeError ?? defaultError)(err);
    return; // whole batch failed: every record becomes visible again after its timeout
  }
  const failures = response?.batchItemFailures ?? [];
  const ids = new Set(event.Records.map((r) => r.messageId));
  if (failures.some((f) => !f.itemIdentifier || !ids.has(f.itemIdentifier))) return;
  const failed = new Set(failures.map((f) => f.itemIdentifier));
  const done = messages.filter((m) => !failed.has(m.MessageId!));
  if (done.length === 0) return;
  await opts.sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl: opts.queueUrl,
      Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
    }),
  );
}

function toRecord(m: Message, queueArn: string, region: string): SQSRecord {
  const a = m.Attributes ?? {};
  const messageAttributes: SQSMessageAttributes = {};
  for (const [name, v] of Object.entries(m.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      dataType: v.DataType ?? "String",
      stringValue: v.StringValue,
      binaryValue: v.BinaryValue ? Buffer.from(v.BinaryValue).toString("base64") : undefined,
      stringListValues: v.StringListValues ?? [],
      binaryListValues: [],
    };
  }
  return {
    messageId: m.MessageId!,
    receiptHandle: m.ReceiptHandle!,
    body: m.Body ?? "",
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? "1",
      SentTimestamp: a.SentTimestamp ?? String(Date.now()),
      SenderId: a.SenderId ?? "000000000000",
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes,
    md5OfBody: m.MD5OfBody ?? "",
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

function defaultError(err: unknown): void {
  console.error(`event source: invocation failed: ${(err as Error)?.message ?? String(err)}`);
}
