/**
 * Noisy neighbour (issue 11): healthy endpoints in two organizations (one of them sharing
 * its organization with the bad endpoint) and one bad endpoint taking half of the events,
 * which (a) hangs until its timeout, (b) answers 503, (c) answers after 8 s. Each case is
 * compared with the same paced run without the bad endpoint: the healthy endpoints'
 * deliveries/s and publish→receipt percentiles, and the peak in-flight count per queue.
 */
import { randomBytes } from "node:crypto";
import { GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { createClient, unwrap } from "@hookrelay/client";
import { publishEvents } from "@hookrelay/client/publish";
import { bootstrapOrg } from "../core/orgs/bootstrap.js";
import type { E2eContext } from "./e2e.js";
import { progress, progressDone } from "./progress.js";
import type { ReceiverMode } from "./receiver.js";
import { type Percentiles, percentile, percentiles, pool, round, sleep } from "./stats.js";

const GOOD = "telephony.complete";
const BAD = "web.complete";

export type NoisyCase = "none" | "hang" | "503" | "slow";

export interface NoisyResult {
  name: string;
  bad: NoisyCase;
  events: number;
  healthyExpected: number;
  healthyDelivered: number;
  badRequests: number;
  healthyPerSecond: number;
  latencyMs: Percentiles & { max: number };
  /** Most in-flight (received, not deleted) messages seen per queue, sampled every 100 ms. */
  peakInFlight: Record<string, number>;
}

/** A fresh organization whose endpoints route to the bench receiver (also bench/burst.ts). */
export async function noisyOrg(ctx: E2eContext, label: string) {
  const tag = randomBytes(4).toString("hex");
  const orgId = `org_noisy${tag}`;
  const apiKey = `sk_test_${randomBytes(24).toString("base64url")}`;
  await bootstrapOrg(ctx.stack.deps, { orgId, name: `noisy ${label} ${tag}`, apiKey });
  const client = createClient({ url: ctx.stack.url, apiKey });
  const endpoint = async (key: string, type: string, mode: ReceiverMode) => {
    const body = await unwrap(
      client.POST("/v1/webhook-endpoints", {
        body: { url: `${ctx.receiver.url}/hook/${key}`, event_types: [type] },
      }),
    );
    if (!body.secret) throw new Error(`endpoint ${body.id} came without its secret`);
    await ctx.receiver.route(key, body.secret, false, mode);
    return { id: body.id, key };
  };
  const remove = (id: string) =>
    unwrap(client.DELETE("/v1/webhook-endpoints/{id}", { params: { path: { id } } }));
  return { orgId, endpoint, remove };
}

async function inFlight(admin: SQSClient, url: string): Promise<number> {
  const res = await admin.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ["ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return Number(res.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}

/** `rate` events/s for `seconds`: half to the bad endpoint's type, the rest to the healthy ones (2:3). */
export async function runNoisy(
  ctx: E2eContext,
  bad: NoisyCase,
  opts: { rate: number; seconds: number },
): Promise<NoisyResult> {
  const name = bad === "none" ? "baseline (no bad endpoint)" : `bad endpoint: ${describe(bad)}`;
  const a = await noisyOrg(ctx, "a");
  const b = await noisyOrg(ctx, "b");
  const tag = randomBytes(3).toString("hex");
  const healthy = [await a.endpoint(`${tag}-a-ok`, GOOD, "ok"), await b.endpoint(`${tag}-b-ok`, GOOD, "ok")];
  const badEp = bad === "none" ? undefined : await a.endpoint(`${tag}-a-bad`, BAD, bad);
  const healthyKeys = new Set(healthy.map((h) => h.key));
  await sleep(300);
  await ctx.receiver.take();

  const queues = ctx.stack.config.queues;
  const watched = { ingest: queues.ingest, delivery: queues.delivery, slow: queues.deliverySlow };
  const peak: Record<string, number> = { ingest: 0, delivery: 0, slow: 0 };
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      for (const [k, url] of Object.entries(watched))
        peak[k] = Math.max(peak[k]!, await inFlight(ctx.admin, url));
      await sleep(100);
    }
  })();

  const events = opts.rate * opts.seconds;
  const t0 = Date.now();
  // Per 10 events: 5 for the bad type (org a), then good ones alternating between orgs a and b.
  const batches = Array.from({ length: Math.ceil(events / 10) }, (_, i) => i);
  const publishing = pool(batches, 4, async (i) => {
    await sleep(t0 + ((i * 10) / opts.rate) * 1000 - Date.now());
    const sentAt = Date.now();
    const seqs = Array.from({ length: 10 }, (_, j) => i * 10 + j);
    const toA = seqs.map((seq, j) => ({ org_id: a.orgId, type: j < 5 ? BAD : GOOD, seq }));
    const msgs = toA.map((m, j) => (j >= 5 && j % 2 === 1 ? { ...m, org_id: b.orgId } : m));
    await publishEvents(
      ctx.producer,
      queues.ingest,
      msgs.map((m) => ({ org_id: m.org_id, type: m.type, data: { seq: m.seq, sent_at: sentAt } })),
    );
  });
  const healthyExpected = batches.length * 5;
  const deadline = t0 + opts.seconds * 1000 + 120_000;
  let okCount = 0;
  for (;;) {
    const c = await ctx.receiver.count();
    okCount = c.ok;
    progress(
      `[noisy ${bad}] ${okCount}/${healthyExpected} healthy delivered, ${round((Date.now() - t0) / 1000)} s`,
    );
    if (okCount >= healthyExpected || Date.now() > deadline) break;
    await sleep(200);
  }
  await publishing;
  sampling = false;
  await sampler;
  const { arrivals } = await ctx.receiver.take();
  const seen = new Set<string>();
  const latencies: number[] = [];
  let last = t0;
  let badRequests = 0;
  for (const r of arrivals) {
    if (!healthyKeys.has(r.key)) {
      badRequests++;
      continue;
    }
    if (r.status >= 300 || seen.has(`${r.id}|${r.key}`)) continue;
    seen.add(`${r.id}|${r.key}`);
    latencies.push(r.at - r.sentAt);
    last = Math.max(last, r.at);
  }
  // Stop the bad endpoint so its parked and pending deliveries do not leak into the next case.
  if (badEp) await a.remove(badEp.id);
  const result: NoisyResult = {
    name,
    bad,
    events: batches.length * 10,
    healthyExpected,
    healthyDelivered: seen.size,
    badRequests,
    healthyPerSecond: round(seen.size / Math.max((last - t0) / 1000, 0.001), 1),
    latencyMs: { ...percentiles(latencies), max: percentile(latencies, 100) },
    peakInFlight: peak,
  };
  progressDone(
    `[noisy ${bad}] ${seen.size}/${healthyExpected} healthy, ${result.healthyPerSecond}/s, p95 ${result.latencyMs.p95} ms, peak in-flight ${JSON.stringify(peak)}`,
  );
  return result;
}

function describe(bad: NoisyCase): string {
  if (bad === "hang") return "hangs until its timeout (10 s)";
  if (bad === "503") return "answers 503";
  return "answers after 8 s";
}

/** The markdown table: each case against the baseline. */
export function renderNoisy(runs: NoisyResult[]): string[] {
  const base = runs.find((r) => r.bad === "none");
  if (!base) return [];
  const out = [
    "**Noisy neighbour** (issue 11): healthy endpoints in two organizations, one sharing its organization with a bad endpoint that takes half of the events, paced publishing. Ratios against the baseline run without the bad endpoint; aims: healthy p95 ≤ 2× and deliveries/s ≥ 0.8×. Peak in-flight: the most messages received and not yet deleted on each queue during the run (bounded by function concurrency × batch size, not by the bad endpoint's backlog).",
    "",
    "| run | healthy delivered | healthy deliveries/s (× baseline) | healthy p50 / p95 / p99 | × baseline (p50 / p95 / p99) | bad endpoint requests | peak in-flight ingest / delivery / slow lane |",
    "| --- | --: | --: | --: | --: | --: | --: |",
  ];
  const ratio = (v: number, b: number) => round(v / Math.max(b, 1), 2);
  for (const r of runs) {
    const tput = round(r.healthyPerSecond / base.healthyPerSecond, 2);
    const [p50, p95, p99] = (["p50", "p95", "p99"] as const).map((p) =>
      ratio(r.latencyMs[p], base.latencyMs[p]),
    );
    const met = r.bad === "none" ? "" : tput >= 0.8 && p95! <= 2 ? " ✅" : " ❌";
    out.push(
      `| ${r.name}${met} | ${r.healthyDelivered}/${r.healthyExpected} | ${r.healthyPerSecond} (${tput}×) | ${r.latencyMs.p50} / ${r.latencyMs.p95} / ${r.latencyMs.p99} ms | ${p50}× / ${p95}× / ${p99}× | ${r.badRequests} | ${r.peakInFlight.ingest} / ${r.peakInFlight.delivery} / ${r.peakInFlight.slow} |`,
    );
  }
  return out;
}
