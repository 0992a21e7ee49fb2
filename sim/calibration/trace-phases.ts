/**
 * `npx tsx sim/calibration/trace-phases.ts [--sim [--seed N]] [--batches] [SHAPE…]` (default:
 * paced twice; `--batches`: which tasks each receive took, trace-batches.ts): where the
 * publish → receipt delay goes, phase by phase, on the local stack or (`--sim`) in the
 * simulation. Local: each shape runs as `--calibrate` runs it (a fresh stack on shared
 * emulators, after the warm-ups); the stack's SQS client is timed (every SendMessageBatch's
 * call, every ReceiveMessage answer with fauxqs's SentTimestamp and
 * ApproximateFirstReceiveTimestamp of each message) and joined with the receiver's arrivals by
 * event. Simulation: the same shape (sim-side.ts), the records each invocation gets and the
 * requests the receivers see, on the virtual clock. One JSON line per shape: each phase's
 * p50 / p95 (ms) over both tenants' deliveries, and the calls started within the ingest phase
 * (its handler's answer read → its tasks' send) and the delivery phase (→ the request's
 * arrival), by name, per delivery (the simulation's also by the machine's lane, its pollers'
 * own calls included). Phase 7 ends locally when the poller reads its first receive's answer,
 * in the simulation when the handler starts (after the batch's further receives): compare 7 + 8.
 */
import { loadavg } from "node:os";
import type { Message } from "@aws-sdk/client-sqs";
import type { SQSEvent } from "aws-lambda";
import { runBurst } from "../../bench/burst.js";
import { type BurstShape, burstShape } from "../../bench/burst-shapes.js";
import { startEmulators } from "../../bench/emulators.js";
import type { Arrival } from "../../bench/receiver.js";
import { percentiles } from "../../bench/stats.js";
import { EventSourceMapping } from "../aws/lambda.js";
import { SIM_EPOCH_MS } from "../engine.js";
import { runOnce } from "../run.js";
import type { World } from "../world.js";
import { type Rig, shapeStack, WARM_UPS, withRig } from "./local-side.js";
import { simSpec } from "./sim-side.js";
import { beforeSend, type Send } from "./spy.js";
import { tallyMetrics } from "./tally.js";
import { batches, type SeenMessage } from "./trace-batches.js";

/** One message seen on a queue: when it was sent (call start), put, taken, and read by the poller. */
interface Seen extends SeenMessage {
  sentTs?: number;
  firstReceiveTs?: number;
  receiveCount?: number;
}

const batchesToo = process.argv.includes("--batches");
let callIds = 0;
/** Failed attempts and breaker openings as the production code counts them (tally.ts), on `now`'s clock. */
const outcomes: { at: number; what: string }[] = [];
function watchOutcomes(now: () => number) {
  outcomes.length = 0;
  return tallyMetrics((counted, n) => {
    if (counted === "failed_attempts") outcomes.push({ at: now(), what: `fail×${n}` });
    if (counted === "breaker_opens") outcomes.push({ at: now(), what: "open" });
  });
}

function wrapSqs(client: { send: Send }, into: Seen[], calls: { name: string; at: number; ms: number }[]) {
  const send = client.send.bind(client);
  client.send = async (command, ...rest) => {
    const at = Date.now();
    const name = command.constructor.name;
    const call = ++callIds;
    const out = (await send(command, ...rest)) as { Messages?: Message[] };
    const end = Date.now();
    calls.push({ name, at, ms: end - at });
    const queue = String(command.input.QueueUrl ?? "")
      .split("/")
      .at(-1)!;
    if (name === "SendMessageBatchCommand")
      for (const e of command.input.Entries as { MessageBody: string }[])
        into.push({ queue, body: e.MessageBody, callAt: at, call });
    if (name === "ReceiveMessageCommand")
      for (const m of out.Messages ?? [])
        into.push({
          queue,
          body: m.Body ?? "",
          sentTs: Number(m.Attributes?.SentTimestamp),
          firstReceiveTs: Number(m.Attributes?.ApproximateFirstReceiveTimestamp),
          answerAt: end,
          call,
          more: command.input.WaitTimeSeconds === 0,
          receiveCount: Number(m.Attributes?.ApproximateReceiveCount),
        });
    return out;
  };
}

/** Records each call's name and start on `calls` (the clock given). */
function wrapCalls(client: unknown, calls: { name: string; at: number; ms: number }[], now: () => number) {
  beforeSend(client, (command) => calls.push({ name: command.constructor.name, at: now(), ms: 0 }));
}

async function trace(shape: BurstShape, { emulators, receiver }: Rig, report: boolean) {
  let arrivals: Arrival[] = [];
  const rx = {
    ...receiver,
    take: async () => {
      const r = await receiver.take();
      arrivals = r.arrivals;
      return r;
    },
  };
  const { stack, producer, ctx, stop } = await shapeStack(emulators, "trace", rx);
  const seen: Seen[] = [];
  const calls: { name: string; at: number; ms: number }[] = [];
  wrapSqs(stack.deps.sqs as unknown as { send: Send }, seen, calls);
  wrapSqs(producer as unknown as { send: Send }, seen, []);
  wrapCalls(stack.deps.db.doc, calls, () => Date.now());
  const watch = watchOutcomes(() => Date.now());
  try {
    // The batches' trace of a hanging endpoint waits out the shape, for its slow lane's rounds.
    await runBurst(ctx, shape, batchesToo && shape.bad === "hang" ? "observe" : "other");
    if (!report) return undefined;
    const hits = arrivals.map((h) => ({ ...h, a: h.seq % 2 === 0, ok: h.status < 300 }));
    const load_average = loadavg()[0]!.toFixed(1);
    return { shape: shape.name, side: "local stack", ...phases(seen, hits, calls), load_average };
  } finally {
    watch.stop();
    await stop();
  }
}

/** The event's seq in a message body: an ingest message carries the event, a task its body escaped. */
const seqOf = (body: string) => body.match(/\\?"seq\\?":(\d+)/)?.[1];

/** A request that reached a receiver; `a`: tenant a's. */
type Hit = Pick<Arrival, "id" | "at" | "sentAt"> & { a?: boolean; ok?: boolean };

/** Records each simulated invocation's records on `seen` (one call id each); returns the undo. */
function recordInvocations(seen: Seen[]): () => void {
  const proto = EventSourceMapping.prototype as unknown as {
    event(this: { engine: { t: number }; queue: { url: string } }, batch: unknown[]): SQSEvent;
  };
  const event = proto.event;
  proto.event = function (batch) {
    const e = event.call(this, batch);
    const call = ++callIds;
    for (const r of e.Records)
      seen.push({
        queue: this.queue.url,
        body: r.body,
        sentTs: Number(r.attributes.SentTimestamp) - SIM_EPOCH_MS,
        firstReceiveTs: Number(r.attributes.ApproximateFirstReceiveTimestamp) - SIM_EPOCH_MS,
        answerAt: this.engine.t,
        call,
      });
    return e;
  };
  return () => {
    proto.event = event;
  };
}

/** The simulation's side: the records each invocation got, the tasks sent, the requests. */
async function traceSim(shape: BurstShape, seed: number) {
  const seen: Seen[] = [];
  const arrivals: Hit[] = [];
  const calls: { name: string; at: number; ms: number }[] = [];
  const restore = recordInvocations(seen);
  const spec = simSpec(shape);
  const arrange = spec.arrange!;
  let watch: ReturnType<typeof watchOutcomes> | undefined;
  spec.arrange = (world: World, faulty, t0) => {
    watch = watchOutcomes(() => world.engine.t);
    wrapCalls(world.dynamo.doc, calls, () => world.engine.t);
    wrapCalls(world.sqs.client, calls, () => world.engine.t);
    const machine = world.machine as unknown as { call(lane: string, ...rest: unknown[]): Promise<unknown> };
    const call = machine.call.bind(machine);
    machine.call = (lane, ...rest) => {
      calls.push({ name: `machine:${lane}`, at: world.engine.t, ms: 0 });
      return call(lane, ...rest);
    };
    beforeSend(world.sqs.client, (command) => {
      const call = ++callIds;
      if (command.constructor.name === "SendMessageBatchCommand")
        for (const e of command.input.Entries as { MessageBody: string }[])
          seen.push({
            queue: String(command.input.QueueUrl),
            body: e.MessageBody,
            callAt: world.engine.t,
            call,
          });
    });
    let observe: World["receivers"]["onRequest"];
    Object.defineProperty(world.receivers, "onRequest", {
      get: () => (r: Parameters<NonNullable<typeof observe>>[0], t: number) => {
        if (r.status === 0)
          arrivals.push({ id: r.msgId, at: t, sentAt: r.publishedAt, a: r.org === "org_a_0" });
        observe?.(r, t);
      },
      set: (f) => {
        observe = f;
      },
    });
    arrange(world, faulty, t0);
  };
  try {
    await runOnce(spec, seed, true);
  } finally {
    watch?.stop();
    restore();
  }
  return { shape: shape.name, side: "simulation", ...phases(seen, arrivals, calls) };
}

/** Calls started within each window (a phase of one delivery), by name: the mean over windows. */
function perWindow(calls: { name: string; at: number }[], windows: [number, number][]) {
  const out: Record<string, number> = {};
  for (const [from, to] of windows)
    for (const c of calls) if (c.at >= from && c.at < to) out[c.name] = (out[c.name] ?? 0) + 1;
  const n = Math.max(1, windows.length);
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Math.round((v / n) * 10) / 10]));
}

function phases(seen: Seen[], requests: Hit[], calls: { name: string; at: number; ms: number }[]) {
  const queues = [...new Set(seen.map((s) => s.queue))];
  const arrivals = requests.filter((r) => r.ok !== false);
  const out: Record<string, number[]> = {};
  const add = (k: string, v: number | undefined) => {
    if (v === undefined || Number.isNaN(v)) return;
    out[k] ??= [];
    out[k].push(Math.round(v * 10) / 10);
  };
  const ingest = queues.find((q) => /ingest/i.test(q));
  const deliver = queues.find((q) => /deliver/i.test(q) && !/slow|dlq/i.test(q));
  const slow = queues.find((q) => /slow/i.test(q) && !/dlq/i.test(q));
  const windows = { ingest: [] as [number, number][], deliver: [] as [number, number][] };
  for (const a of arrivals) {
    const taskSends = seen.filter(
      (s) => s.queue === deliver && s.callAt !== undefined && s.body.includes(a.id),
    );
    const taskRecvs = seen.filter(
      (s) => s.queue === deliver && s.answerAt !== undefined && s.body.includes(a.id),
    );
    const tSend = taskSends[0];
    const tRecv = taskRecvs.at(-1);
    const seq = tRecv && seqOf(tRecv.body);
    const inRecv = seen.find((s) => s.queue === ingest && s.answerAt !== undefined && seqOf(s.body) === seq);
    add("total", a.at - a.sentAt);
    add("1 publish call → put on ingest queue", inRecv && inRecv.sentTs! - a.sentAt);
    add("2 ingest queue wait (put → taken)", inRecv && inRecv.firstReceiveTs! - inRecv.sentTs!);
    add("3 taken → poller reads answer", inRecv && inRecv.answerAt! - inRecv.firstReceiveTs!);
    add("4 ingest handler → task send call", inRecv && tSend && tSend.callAt! - inRecv.answerAt!);
    add(
      "5 task send call → put on delivery queue",
      tSend && tRecv && taskSends.length === 1 ? tRecv.sentTs! - tSend.callAt! : undefined,
    );
    add("6 delivery queue wait (put → taken)", tRecv && tRecv.firstReceiveTs! - tRecv.sentTs!);
    add("7 taken → poller reads answer", tRecv && tRecv.answerAt! - tRecv.firstReceiveTs!);
    add("8 delivery handler → request arrives", tRecv && a.at - tRecv.answerAt!);
    add("task sends (re-sent by the trial gate)", taskSends.length);
    if (inRecv && tSend) windows.ingest.push([inRecv.answerAt!, tSend.callAt!]);
    if (tRecv) windows.deliver.push([tRecv.answerAt!, a.at]);
  }
  const byName: Record<string, number[]> = {};
  for (const c of calls) byName[c.name] = [...(byName[c.name] ?? []), c.ms];
  const p = (v: number[]) => {
    const q = percentiles(v);
    return `${q.p50} / ${q.p95} (n ${v.length})`;
  };
  const aDelays = arrivals.filter((a) => a.a).map((a) => a.at - a.sentAt);
  const bRequests = requests.filter((r) => !r.a).map((r) => r.at);
  return {
    ...(batchesToo
      ? { batches: batches(seen, aDelays, bRequests, { ingest, deliver, slow }, outcomes) }
      : {}),
    queues,
    calls_in_ingest_phase: perWindow(calls, windows.ingest),
    calls_in_delivery_phase: perWindow(calls, windows.deliver),
    phases: Object.fromEntries(Object.entries(out).map(([k, v]) => [k, p(v)])),
    sqs_call_ms: Object.fromEntries(Object.entries(byName).map(([k, v]) => [k, p(v)])),
  };
}

const args = process.argv.slice(2);
const seedAt = args.indexOf("--seed");
const seed = seedAt >= 0 ? Number(args.splice(seedAt, 2)[1]) : 1;
const names = args.filter((a) => !a.startsWith("--"));
if (args.includes("--sim")) {
  for (const name of names.length ? names : ["paced"])
    process.stdout.write(`${JSON.stringify(await traceSim(burstShape(name), seed))}\n`);
  process.exit(0);
}
await withRig(await startEmulators(), async (rig) => {
  for (const shape of WARM_UPS) await trace(shape, rig, false);
  for (const name of names.length ? names : ["paced", "paced"])
    process.stdout.write(`${JSON.stringify(await trace(burstShape(name), rig, true))}\n`);
});
