/**
 * The floor, on the same emulators and receiver as the service:
 * (a) a bare loop that receives from an SQS queue, POSTs each body and deletes the batch:
 *     no storage, no signing, the delivery event source's concurrency and batch size;
 * (b) raw POSTs to the receiver, as many in flight as (a) can have.
 */
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type ReceiveMessageCommandOutput,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { Agent, request } from "undici";
import { functions, queues } from "../core/config/infra.js";
import { sendAll } from "../core/queue/send.js";
import type { Db } from "../core/store/table.js";
import { EVENT_TYPE } from "./e2e.js";
import { progress, progressDone } from "./progress.js";
import type { BenchReceiver } from "./receiver.js";
import { type Percentiles, percentile, percentiles, pool, round, sleep } from "./stats.js";

/** Parallel pollers of the local event sources (local/stack.ts, from core/config/infra.ts). */
export const DELIVERY_POLLERS = functions.deliver.localConcurrency;
/** Messages one receive takes: the delivery batch, at most SQS's 10 a ReceiveMessage. */
const RECEIVE = Math.min(10, functions.deliver.batchSize);
export const INGEST_POLLERS = functions.ingest.localConcurrency;

export interface FloorResult {
  name: string;
  deliveries: number;
  seconds: number;
  deliveriesPerSecond: number;
  latencyMs?: Percentiles;
  concurrency: string;
}

function webhookLikeBody(seq: number, sentAt: number): string {
  return JSON.stringify({
    id: `msg_floor${String(seq).padStart(18, "0")}`,
    type: EVENT_TYPE,
    timestamp: new Date(sentAt).toISOString(),
    data: { seq, sent_at: sentAt, call_id: `c_${seq}` },
  });
}

async function post(agent: Agent, url: string, body: string): Promise<void> {
  const res = await request(url, {
    method: "POST",
    body,
    headers: { "content-type": "application/json" },
    dispatcher: agent,
  });
  await res.body.dump();
  if (res.statusCode >= 300) throw new Error(`receiver answered ${res.statusCode}`);
}

/** (a): SQS receive → POST → delete, with the delivery event source's shape. */
export async function runQueueFloor(
  sqs: SQSClient,
  receiver: BenchReceiver,
  deliveries: number,
  when = "before fan-out 1 and 5",
): Promise<FloorResult> {
  const { QueueUrl: queueUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: `BenchFloor${Date.now()}`,
      Attributes: { VisibilityTimeout: String(queues.delivery.visibilityTimeoutSeconds) },
    }),
  );
  const url = `${receiver.url}/raw`;
  const agent = new Agent({ keepAliveTimeout: 10_000 });
  await receiver.take();
  let done = 0;
  const stop = new AbortController();
  const t0 = Date.now();
  const batches: number[][] = [];
  for (let i = 0; i < deliveries; i += 10) {
    batches.push(Array.from({ length: Math.min(10, deliveries - i) }, (_, j) => i + j));
  }
  const publishing = pool(batches, 4, async (seqs) => {
    const sentAt = Date.now();
    await sendAll(
      sqs,
      queueUrl!,
      seqs.map((seq) => ({ id: String(seq), body: webhookLikeBody(seq, sentAt) })),
    );
  });
  const worker = async () => {
    while (!stop.signal.aborted) {
      let res: ReceiveMessageCommandOutput;
      try {
        res = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: RECEIVE,
            WaitTimeSeconds: functions.deliver.waitTimeSeconds,
          }),
          { abortSignal: stop.signal },
        );
      } catch (err) {
        if (stop.signal.aborted) return;
        throw err;
      }
      const messages = res.Messages ?? [];
      if (messages.length === 0) continue;
      await Promise.all(messages.map((m) => post(agent, url, m.Body ?? "")));
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
      done += messages.length;
      if (done >= deliveries) stop.abort();
    }
  };
  const workers = Array.from({ length: DELIVERY_POLLERS }, worker);
  const deadline = t0 + 120_000;
  while (done < deliveries && Date.now() < deadline) {
    progress(`[floor: SQS loop] ${done}/${deliveries}, ${round((Date.now() - t0) / 1000)} s`);
    await sleep(200);
  }
  stop.abort();
  await Promise.all([publishing, ...workers]);
  await agent.close();
  const { arrivals } = await receiver.take();
  const seen = new Set<number>();
  const latencies: number[] = [];
  let last = t0;
  for (const a of arrivals) {
    if (seen.has(a.seq)) continue;
    seen.add(a.seq);
    latencies.push(a.at - a.sentAt);
    last = Math.max(last, a.at);
  }
  const seconds = (last - t0) / 1000;
  const result: FloorResult = {
    name: `floor (a): SQS receive → POST → delete, ${when}`,
    deliveries: seen.size,
    seconds: round(seconds, 2),
    deliveriesPerSecond: round(seen.size / Math.max(seconds, 0.001), 0),
    latencyMs: percentiles(latencies),
    concurrency: `${DELIVERY_POLLERS} pollers × batch ${RECEIVE}`,
  };
  progressDone(
    `[floor: SQS loop] ${result.deliveries} in ${result.seconds} s: ${result.deliveriesPerSecond}/s`,
  );
  return result;
}

/** (b): POSTs only, as many in flight as (a) can have. */
export async function runPostFloor(receiver: BenchReceiver, deliveries: number): Promise<FloorResult> {
  const inFlight = DELIVERY_POLLERS * RECEIVE;
  const url = `${receiver.url}/raw`;
  const agent = new Agent({ keepAliveTimeout: 10_000 });
  const seqs = Array.from({ length: deliveries }, (_, i) => i);
  const t0 = Date.now();
  await pool(seqs, inFlight, (seq) => post(agent, url, webhookLikeBody(seq, Date.now())));
  const seconds = (Date.now() - t0) / 1000;
  await agent.close();
  await receiver.take();
  const result: FloorResult = {
    name: "floor (b): raw POSTs",
    deliveries,
    seconds: round(seconds, 2),
    deliveriesPerSecond: round(deliveries / Math.max(seconds, 0.001), 0),
    concurrency: `${inFlight} in flight`,
  };
  progressDone(`[floor: raw POSTs] ${deliveries} in ${result.seconds} s: ${result.deliveriesPerSecond}/s`);
  return result;
}

export interface DynamoProbeResult {
  puts: number;
  concurrency: number;
  putsPerSecond: number;
  latencyMs: { p50: number; p99: number };
}

/**
 * (c) The emulator itself: PutItem of a ~1 KB item, as many in flight as the ingest stage
 * has records (pollers × batch), on the same DynamoDB Local. Not a floor of the design (it
 * must store), but the measured speed of the storage the end-to-end numbers depend on.
 */
export async function runDynamoProbe(db: Db, puts = 400, concurrency = 20): Promise<DynamoProbeResult> {
  const latencies: number[] = [];
  const ids = Array.from({ length: puts }, (_, i) => i);
  const t0 = performance.now();
  await pool(ids, concurrency, async (i) => {
    const s = performance.now();
    await db.doc.send(
      new PutCommand({
        TableName: db.table,
        Item: { pk: `BENCHPROBE#${i}`, sk: "probe", data: "x".repeat(900), expires_at: 0 },
      }),
    );
    latencies.push(performance.now() - s);
  });
  const seconds = (performance.now() - t0) / 1000;
  progressDone(`[DynamoDB Local probe] ${puts} PutItem in ${round(seconds, 2)} s`);
  return {
    puts,
    concurrency,
    putsPerSecond: round(puts / seconds, 0),
    latencyMs: { p50: round(percentile(latencies, 50), 1), p99: round(percentile(latencies, 99), 1) },
  };
}
