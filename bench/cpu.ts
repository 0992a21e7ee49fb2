/**
 * Hot-path CPU.
 * - Signing throughput of core/signing/sign.ts (HMAC-SHA256 + base64) for several body sizes.
 * - The delivery handler's CPU per record: the real handler invoked directly on synthetic
 *   SQSEvents (batches of 10, as many concurrent invocations as the event source runs), for an
 *   endpoint on a 127.0.0.1 receiver (another process) that answers 204 at once. CPU is this
 *   process's `process.cpuUsage()`: signing, the HTTP client, the SDK's serialization of the
 *   DynamoDB/SQS calls the handler makes; the receiver's and DynamoDB Local's CPU are not in it.
 */
import { randomUUID } from "node:crypto";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { newId } from "../core/model/ids.js";
import { webhookBody } from "../core/model/message.js";
import type { DeliveryTask } from "../core/model/task.js";
import { sign } from "../core/signing/sign.js";
import { progress } from "./progress.js";
import { pool, round } from "./stats.js";

export interface SignResult {
  bodyBytes: number;
  mbPerSecond: number;
  signaturesPerSecond: number;
}

export function runSignBench(sizes = [1024, 16 * 1024, 256 * 1024], ms = 700): SignResult[] {
  const secret = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;
  return sizes.map((size) => {
    progress(`[cpu] signing ${size} B bodies`, true);
    const body = "x".repeat(size);
    const ts = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 200; i++) sign(secret, "msg_warmup", ts, body);
    let n = 0;
    const t0 = process.hrtime.bigint();
    const end = t0 + BigInt(ms) * 1_000_000n;
    let now = t0;
    while (now < end) {
      for (let i = 0; i < 50; i++) sign(secret, `msg_${n + i}`, ts, body);
      n += 50;
      now = process.hrtime.bigint();
    }
    const seconds = Number(now - t0) / 1e9;
    return {
      bodyBytes: size,
      mbPerSecond: round((n * size) / seconds / 2 ** 20, 0),
      signaturesPerSecond: round(n / seconds, 0),
    };
  });
}

export interface HandlerCpuResult {
  records: number;
  concurrency: number;
  cpuMsPerRecord: number;
  wallMsPerBatch: number;
  recordsPerCpuSecond: number;
  failedRecords: number;
}

type Handler = (event: SQSEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] } | undefined>;

function record(task: DeliveryTask, queueArn: string): SQSRecord {
  const now = String(Date.now());
  return {
    messageId: randomUUID(),
    receiptHandle: `bench-${randomUUID()}`,
    body: JSON.stringify(task),
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: now,
      SenderId: "000000000000",
      ApproximateFirstReceiveTimestamp: now,
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: "us-east-1",
  };
}

export async function runHandlerCpu(opts: {
  handler: Handler;
  orgId: string;
  endpointId: string;
  queueArn: string;
  records: number;
  concurrency: number;
}): Promise<HandlerCpuResult> {
  const batch = (n: number): SQSEvent => ({
    Records: Array.from({ length: n }, (_, i) => {
      const created = new Date();
      const msgId = newId("msg", created);
      const body = webhookBody({
        id: msgId,
        type: "voice.call.ended",
        created_at: created.toISOString(),
        agent_id: null,
        data: { seq: i, sent_at: created.getTime(), call_id: `c_${i}` },
      });
      const task: DeliveryTask = {
        v: 1,
        org_id: opts.orgId,
        msg_id: msgId,
        endpoint_id: opts.endpointId,
        event_type: "voice.call.ended",
        created_at: created.toISOString(),
        body,
        attempt_base: 0,
        trigger: "event",
      };
      return record(task, opts.queueArn);
    }),
  });
  let failed = 0;
  const invoke = async (event: SQSEvent) => {
    const res = await opts.handler(event);
    failed += res?.batchItemFailures.length ?? 0;
  };
  // Warm up: endpoint cache, connections, JIT.
  await pool(
    Array.from({ length: opts.concurrency * 2 }, () => batch(10)),
    opts.concurrency,
    invoke,
  );
  failed = 0;
  const events = Array.from({ length: Math.ceil(opts.records / 10) }, () => batch(10));
  progress(`[cpu] delivery handler: ${events.length * 10} records`, true);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await pool(events, opts.concurrency, invoke);
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const records = events.length * 10;
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return {
    records,
    concurrency: opts.concurrency,
    cpuMsPerRecord: round(cpuMs / records, 3),
    wallMsPerBatch: round((wall / events.length) * opts.concurrency, 1),
    recordsPerCpuSecond: round(records / (cpuMs / 1000), 0),
    failedRecords: failed,
  };
}
