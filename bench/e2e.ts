/**
 * End to end: N events published to the ingest queue with the producer helper, fanned out
 * to `fanout` endpoints created through the API for a fresh organization, delivered to the
 * benchmark receiver, which verifies every signature. Measures deliveries/s,
 * publish→receipt latency, completeness (missing, duplicates), AWS calls and memory.
 */
import { randomBytes } from "node:crypto";
import { GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { createClient, unwrap } from "@hookrelay/client";
import { publishEvents } from "@hookrelay/client/publish";
import { bootstrapOrg } from "../core/orgs/bootstrap.js";
import type { LocalStack } from "../local/stack.js";
import type { CallCounter, CallSnapshot } from "./calls.js";
import { progress, progressDone } from "./progress.js";
import type { BenchReceiver } from "./receiver.js";
import { type Percentiles, percentile, percentiles, pool, round, sleep } from "./stats.js";

export const EVENT_TYPE = "voice.call.ended";

export interface E2eOptions {
  name: string;
  events: number;
  fanout: number;
  /** Every endpoint answers 500 to the first attempt of each delivery. */
  failFirst?: boolean;
  /** SendMessageBatch calls in flight while publishing. */
  publishConcurrency?: number;
  /** Publish at this many events per second instead of all at once. */
  ratePerSecond?: number;
  timeoutMs?: number;
}

export interface E2eResult {
  name: string;
  events: number;
  fanout: number;
  failFirst: boolean;
  ratePerSecond?: number;
  expected: number;
  delivered: number;
  missing: number;
  /** Extra 2xx receipts of an (event, endpoint) already received. */
  duplicates: number;
  invalidSignatures: number;
  /** Receiver answers other than 2xx (the planned 500s of the retry case). */
  failedAttempts: number;
  publishSeconds: number;
  /** First publish → last receipt. */
  seconds: number;
  deliveriesPerSecond: number;
  latencyMs: Percentiles & { max: number };
  /** Main-process CPU (handlers, SDK, event sources, API) per delivery. */
  cpuMsPerDelivery: number;
  peakRssMb: number;
  dlq: { ingest: number; delivery: number };
  calls: CallSnapshot;
}

export interface E2eContext {
  stack: LocalStack;
  receiver: BenchReceiver;
  counter: CallCounter;
  /** The producer's SQS client (instrumented as `producer`). */
  producer: SQSClient;
  /** An uninstrumented client for queue depth checks. */
  admin: SQSClient;
}

/** A fresh organization with `fanout` endpoints created through the API; returns their receiver keys. */
export async function createEndpoints(
  ctx: E2eContext,
  fanout: number,
  opts: { failFirst?: boolean; path?: (key: string) => string } = {},
): Promise<{ orgId: string; apiKey: string; endpointIds: string[] }> {
  const tag = randomBytes(4).toString("hex");
  const orgId = `org_bench${tag}`;
  const apiKey = `sk_test_${randomBytes(24).toString("base64url")}`;
  await bootstrapOrg(ctx.stack.deps, { orgId, name: `bench ${tag}`, apiKey });
  const client = createClient({ url: ctx.stack.url, apiKey });
  const endpointIds: string[] = [];
  for (let k = 0; k < fanout; k++) {
    const key = `${tag}-${k}`;
    const url = `${ctx.receiver.url}${opts.path ? opts.path(key) : `/hook/${key}`}`;
    const body = await unwrap(
      client.POST("/v1/webhook-endpoints", {
        body: { url, event_types: [EVENT_TYPE], description: `bench ${key}` },
      }),
    );
    if (!body.secret) throw new Error(`endpoint ${body.id} came without its secret`);
    endpointIds.push(body.id);
    await ctx.receiver.route(key, body.secret, opts.failFirst ?? false);
  }
  return { orgId, apiKey, endpointIds };
}

export async function queueDepth(admin: SQSClient, url: string): Promise<number> {
  const res = await admin.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  const a = res.Attributes ?? {};
  return Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0);
}

export async function runE2e(ctx: E2eContext, opts: E2eOptions): Promise<E2eResult> {
  const { stack, receiver, counter } = ctx;
  const { orgId } = await createEndpoints(ctx, opts.fanout, { failFirst: opts.failFirst });
  const expected = opts.events * opts.fanout;
  const queues = stack.config.queues;
  // Let the API's writes settle and the pollers go idle before counting.
  await sleep(300);
  const dlq0 = {
    ingest: await queueDepth(ctx.admin, queues.ingestDlq),
    delivery: await queueDepth(ctx.admin, queues.deliveryDlq),
  };
  await receiver.take();
  counter.take();

  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 100);
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();

  const batches: number[][] = [];
  for (let i = 0; i < opts.events; i += 10) {
    batches.push(Array.from({ length: Math.min(10, opts.events - i) }, (_, j) => i + j));
  }
  const rate = opts.ratePerSecond;
  const publishing = pool(batches, opts.publishConcurrency ?? 4, async (seqs) => {
    if (rate) await sleep(t0 + (seqs[0]! / rate) * 1000 - Date.now());
    const sentAt = Date.now();
    await publishEvents(
      ctx.producer,
      queues.ingest,
      seqs.map((seq) => ({
        org_id: orgId,
        type: EVENT_TYPE,
        data: { seq, sent_at: sentAt, call_id: `c_${seq}` },
      })),
    );
  });
  let publishSeconds = 0;
  void publishing.then(() => {
    publishSeconds = (Date.now() - t0) / 1000;
  });

  const deadline = t0 + (opts.timeoutMs ?? 150_000);
  let ok = 0;
  for (;;) {
    const c = await receiver.count();
    ok = c.ok;
    const elapsed = (Date.now() - t0) / 1000;
    progress(
      `[${opts.name}] ${ok}/${expected} delivered, ${c.count} requests, ${round(ok / Math.max(elapsed, 0.001), 0)}/s, ${round(elapsed)} s`,
    );
    if (ok >= expected || Date.now() > deadline) break;
    await sleep(200);
  }
  await publishing;
  const cpu = process.cpuUsage(cpu0);
  // Wait for the event sources to delete what they delivered (and for any duplicate).
  const drainDeadline = Date.now() + 10_000;
  while (Date.now() < drainDeadline) {
    const depth =
      (await queueDepth(ctx.admin, queues.ingest)) + (await queueDepth(ctx.admin, queues.delivery));
    if (depth === 0) break;
    await sleep(200);
  }
  await sleep(500);
  clearInterval(sampler);
  const calls = counter.take();
  const { arrivals, invalid } = await receiver.take();

  const firstOk = new Map<string, number>();
  let duplicates = 0;
  let failedAttempts = 0;
  let last = t0;
  const latencies: number[] = [];
  for (const a of arrivals) {
    if (a.status >= 300) {
      failedAttempts++;
      continue;
    }
    const pair = `${a.id}|${a.key}`;
    if (firstOk.has(pair)) {
      duplicates++;
      continue;
    }
    firstOk.set(pair, a.at);
    latencies.push(a.at - a.sentAt);
    last = Math.max(last, a.at);
  }
  const delivered = firstOk.size;
  const seconds = (last - t0) / 1000;
  const result: E2eResult = {
    name: opts.name,
    events: opts.events,
    fanout: opts.fanout,
    failFirst: opts.failFirst ?? false,
    ratePerSecond: opts.ratePerSecond,
    expected,
    delivered,
    missing: expected - delivered,
    duplicates,
    invalidSignatures: invalid,
    failedAttempts,
    publishSeconds: round(publishSeconds, 2),
    seconds: round(seconds, 2),
    deliveriesPerSecond: round(delivered / Math.max(seconds, 0.001), 0),
    latencyMs: { ...percentiles(latencies), max: percentile(latencies, 100) },
    cpuMsPerDelivery: round((cpu.user + cpu.system) / 1000 / Math.max(delivered, 1), 2),
    peakRssMb: round(peakRss / 2 ** 20, 0),
    dlq: {
      ingest: (await queueDepth(ctx.admin, queues.ingestDlq)) - dlq0.ingest,
      delivery: (await queueDepth(ctx.admin, queues.deliveryDlq)) - dlq0.delivery,
    },
    calls,
  };
  progressDone(
    `[${opts.name}] ${delivered}/${expected} in ${result.seconds} s: ${result.deliveriesPerSecond}/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, ${duplicates} duplicates`,
  );
  return result;
}
