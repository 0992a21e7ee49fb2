/**
 * Emulates Lambda's SQS event source mapping: long-polls a queue, builds real `SQSEvent`
 * records, invokes the same handler Lambda invokes, and then does what Lambda does:
 *
 * - deletes the records that succeeded;
 * - leaves the ones listed in `batchItemFailures` (their visibility timeout, possibly
 *   changed by the handler, decides when they come back);
 * - treats a thrown error, or a response naming an unknown or empty id, as a failure of
 *   the whole batch: nothing is deleted.
 *
 * It also enforces the AWS limit the emulator does not: a standard queue holds at most
 * `inFlightCap` in-flight messages (about 120,000 on AWS), and at the cap a receive comes back
 * empty without an error. Tests scale the cap down so that a design which piles up in-flight
 * messages stops delivering here exactly as it would on AWS. `concurrency` is the event
 * source's function concurrency (`maximumConcurrency`): that many invocations at a time.
 */
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from "aws-lambda";

/** Most messages one ReceiveMessage returns, and most entries of one DeleteMessageBatch. */
const SQS_BATCH_MAX = 10;

export type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

export interface EventSourceOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  handler: SqsHandler;
  /** Records per invocation; above 10, gathered from several receives as Lambda does. */
  batchSize: number;
  /** Parallel pollers, like Lambda's concurrent invocations. */
  concurrency: number;
  waitTimeSeconds: number;
  region?: string;
  /** Called when an invocation fails as a whole (thrown error); defaults to stderr. */
  onInvokeError?: (err: unknown) => void;
  /** The queue's in-flight cap; unset = not enforced (AWS: ~120,000, SQS_MAX_IN_FLIGHT). */
  inFlightCap?: number;
}

export interface InFlightStats {
  /** Most in-flight messages seen on the queue (what the queue counts, sampled before each receive). */
  peakInFlight: number;
  /** Receives that came back empty because the queue was at its in-flight cap. */
  cappedReceives: number;
}

export interface EventSource {
  /** Stops polling and waits for in-flight invocations. */
  stop(): Promise<void>;
  stats(): InFlightStats;
}

export function startEventSource(opts: EventSourceOptions): EventSource {
  const abort = new AbortController();
  const stats: PollState = { peakInFlight: 0, cappedReceives: 0, reserved: 0 };
  const workers = Array.from({ length: opts.concurrency }, () => pollLoop(opts, abort.signal, stats));
  return {
    async stop() {
      abort.abort();
      await Promise.allSettled(workers);
    },
    stats: () => ({ peakInFlight: stats.peakInFlight, cappedReceives: stats.cappedReceives }),
  };
}

/** Messages not visible (received, not yet deleted) on the queue. */
export async function inFlightCount(sqs: SQSClient, queueUrl: string, signal?: AbortSignal): Promise<number> {
  const res = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ["ApproximateNumberOfMessagesNotVisible"],
    }),
    { abortSignal: signal },
  );
  return Number(res.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}

interface PollState extends InFlightStats {
  /** Messages asked for by receives still under way: not yet counted by the queue. */
  reserved: number;
}

/**
 * How many messages a receive may take: 0 at the cap (AWS then returns nothing). Receives
 * under way on other pollers are reserved, so parallel pollers cannot overshoot the cap.
 */
async function receivable(opts: EventSourceOptions, signal: AbortSignal, state: PollState) {
  if (opts.inFlightCap === undefined) return opts.batchSize;
  const counted = await inFlightCount(opts.sqs, opts.queueUrl, signal);
  // The peak is what the queue counts. A reservation may already be in that count (the receive
  // was served, its answer not yet read), so counted + reserved may count it twice: safe for
  // the cap (it only holds back), but not a measurement.
  state.peakInFlight = Math.max(state.peakInFlight, counted);
  const room = Math.max(0, Math.min(opts.batchSize, opts.inFlightCap - counted - state.reserved));
  state.reserved += room;
  return room;
}

async function pollLoop(opts: EventSourceOptions, signal: AbortSignal, state: PollState): Promise<void> {
  while (!signal.aborted) {
    let messages: Message[];
    try {
      messages = await receive(opts, signal, state);
    } catch (err) {
      if (signal.aborted) return;
      (opts.onInvokeError ?? defaultError)(err);
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    if (messages.length > 0) await invokeBatch(opts, messages);
  }
}

async function receive(opts: EventSourceOptions, signal: AbortSignal, state: PollState): Promise<Message[]> {
  const room = await receivable(opts, signal, state);
  if (room === 0) {
    // At the cap a long poll waits its full time and returns nothing.
    state.cappedReceives++;
    await new Promise((r) => setTimeout(r, opts.waitTimeSeconds * 1000));
    return [];
  }
  try {
    // Lambda's poller fills a batch above 10 from several receives of at most 10 (SQS's limit):
    // the first long-polls, the rest take what is visible now, and a short answer ends the batch.
    const batch: Message[] = [];
    while (batch.length < room) {
      const want = Math.min(SQS_BATCH_MAX, room - batch.length);
      const res = await opts.sqs
        .send(
          new ReceiveMessageCommand({
            QueueUrl: opts.queueUrl,
            MaxNumberOfMessages: want,
            WaitTimeSeconds: batch.length === 0 ? opts.waitTimeSeconds : 0,
            MessageSystemAttributeNames: ["All"],
            MessageAttributeNames: ["All"],
          }),
          { abortSignal: signal },
        )
        .catch((err: unknown) => {
          // Records already received are invoked, not held until their visibility timeout.
          if (batch.length === 0) throw err;
          return { Messages: [] };
        });
      batch.push(...(res.Messages ?? []));
      if ((res.Messages?.length ?? 0) < want) break;
    }
    return batch;
  } finally {
    if (opts.inFlightCap !== undefined) state.reserved -= room;
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
  // DeleteMessageBatch takes at most 10 entries, as Lambda's poller does for a larger batch.
  const deletes: Promise<unknown>[] = [];
  for (let i = 0; i < done.length; i += SQS_BATCH_MAX) {
    const chunk = done.slice(i, i + SQS_BATCH_MAX);
    deletes.push(
      opts.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: opts.queueUrl,
          Entries: chunk.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle! })),
        }),
      ),
    );
  }
  await Promise.all(deletes);
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
      // FIFO queues (Lambda passes them on): the group the ordered lane sequences by.
      ...(a.MessageGroupId ? { MessageGroupId: a.MessageGroupId } : {}),
      ...(a.SequenceNumber ? { SequenceNumber: a.SequenceNumber } : {}),
      ...(a.MessageDeduplicationId ? { MessageDeduplicationId: a.MessageDeduplicationId } : {}),
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
