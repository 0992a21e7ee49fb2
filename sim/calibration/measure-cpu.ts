/**
 * `npx tsx sim/calibration/measure-cpu.ts [--rounds N] [--timeline] [SHAPE…]` (default: burst-healthy three times): the CPU
 * the local stack's processes spend per call on a calibration shape, the constants of the
 * calibration's local machine (local-machine.ts). Each shape runs as `--calibrate` runs it (a
 * fresh stack on shared emulators, after the warm-ups); from the first publish to tenant a's last
 * delivery it reads this process's CPU (`process.cpuUsage`: the handlers, the pollers and their
 * SDK clients), DynamoDB Local's and fauxqs's (user + sys from /proc/PID/stat), and the calls
 * the stack's DynamoDB and SQS clients made, and prints one JSON line per shape. Only a shape
 * whose busy part ends with tenant a's last delivery (every healthy one) gives per-call figures.
 * Where the CPU goes, per thread (/proc/PID/task): DynamoDB Local's JIT compiler, request
 * (Jetty) and SQLite threads, the Node process's main thread and V8's workers (docs/scale.md,
 * "Calibration": half of DynamoDB Local's per-call figure was its JIT still compiling).
 * `--rounds N`: the calibration's shapes in its order (all four, N rounds, on one JVM, as
 * `--calibrate --runs N`), each line with its round: the JITs' share falls over the rounds
 * (local-machine.ts cpuOfRound).
 * `--timeline`: when that CPU is spent (cpu-timeline.ts): each group's CPU from the first publish
 * to tenant a's p50, to its p95, to its last delivery, and in the 2 s after.
 */
import { readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { runBurst } from "../../bench/burst.js";
import { BURST_SHAPES, type BurstShape, burstShape } from "../../bench/burst-shapes.js";
import { startEmulators } from "../../bench/emulators.js";
import { cpuBetween, sampleThreads } from "./cpu-timeline.js";
import { type Rig, shapeStack, WARM_UPS, withRig } from "./local-side.js";
import { beforeSend } from "./spy.js";

type Emulators = Awaited<ReturnType<typeof startEmulators>>;

/** A process's CPU time (user + sys, ms) from /proc/PID/stat (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Threads by name: a JVM's JIT compiler, Jetty's request pool, sqlite4java's one queue; Node's. */
const THREADS: [string, RegExp][] = [
  ["compiler", /CompilerThre/],
  ["requests", /^qtp/],
  ["sqlite", /^SQLiteQueue/],
  ["gc", /^GC Thread|^G1 |^VM Thread/],
  ["main", /^MainThread$|^node$/],
  ["v8_workers", /^V8Worker/],
];

/** A process's CPU time (ms) by thread group (`THREADS`, else "other"), from /proc/PID/task. */
function threadsMs(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const group = THREADS.find(([, re]) => re.test(comm))?.[0] ?? "other";
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out[group] = (out[group] ?? 0) + (Number(f[11]) + Number(f[12])) * 10;
    } catch {} // a thread that ended meanwhile
  }
  return out;
}

/** The pid of this process's child running `comm` (DynamoDB Local's `java`). */
function childNamed(comm: string): number {
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === process.pid && stat.includes(`(${comm})`)) return Number(d);
    } catch {}
  }
  throw new Error(`no child process ${comm}`);
}

interface Reading {
  at: number;
  node: number;
  dynamodb: number;
  fauxqs: number;
  nodeThreads: Record<string, number>;
  dynamodbThreads: Record<string, number>;
}

async function measure(
  shape: BurstShape,
  { emulators, receiver }: Rig<Emulators>,
  java: number,
  timeline = false,
) {
  const { stack, producer, ctx, stop } = await shapeStack(emulators, "cpu", receiver);
  const read = (): Reading => {
    const u = process.cpuUsage();
    const node = (u.user + u.system) / 1000;
    const threads = { nodeThreads: threadsMs(process.pid), dynamodbThreads: threadsMs(java) };
    return { at: Date.now(), node, dynamodb: cpuMs(java), fauxqs: cpuMs(emulators.sqsPid), ...threads };
  };
  const dynamodbCalls: number[] = [];
  const sqsCalls: number[] = [];
  let first: Reading | undefined;
  beforeSend(producer, () => {
    first ??= read();
  });
  beforeSend(stack.deps.db.doc, () => dynamodbCalls.push(Date.now()));
  beforeSend(stack.deps.sqs, () => sqsCalls.push(Date.now()));
  // Read often, to take the reading at tenant a's last delivery (known only afterwards).
  const readings: Reading[] = [];
  const timer = setInterval(() => readings.push(read()), 50);
  const procs = { node: process.pid, dynamodb: java, fauxqs: emulators.sqsPid };
  const sampler = timeline ? sampleThreads(procs, THREADS) : undefined;
  try {
    const r = await runBurst(ctx, shape, "other");
    readings.push(read());
    const start = first!;
    const at = (ms: number) => start.at + ms;
    const { p50, p95 } = r.otherLatencyMs;
    const marks = [at(0), at(p50), at(p95), at(r.otherSeconds * 1000), at(r.otherSeconds * 1000 + 2000)];
    if (sampler) await new Promise((done) => setTimeout(done, marks[4]! - Date.now()));
    const cpu =
      sampler &&
      cpuBetween(
        (await sampler.stop()).filter(([t]) => t >= marks[0]! - 20),
        marks,
      );
    const end = readings.find((x) => x.at >= start.at + r.otherSeconds * 1000) ?? readings.at(-1)!;
    const within = (calls: number[]) => calls.filter((t) => t >= start.at && t <= end.at).length;
    return {
      shape: shape.name,
      busy_ms: end.at - start.at,
      ...perCall(start, end, within(dynamodbCalls), within(sqsCalls)),
      ...(cpu && { other_ms: r.otherLatencyMs, timeline: cpu.slice(0, -1) }),
    };
  } finally {
    clearInterval(timer);
    await stop();
  }
}

function perCall(start: Reading, end: Reading, dynamodbCalls: number, sqsCalls: number) {
  const ms = (k: "node" | "dynamodb" | "fauxqs") => Math.round(end[k] - start[k]);
  const threads = (k: "nodeThreads" | "dynamodbThreads") =>
    Object.fromEntries(Object.keys(end[k]).map((g) => [g, end[k][g]! - (start[k][g] ?? 0)]));
  const per = (v: number, n: number) => Math.round((v / Math.max(1, n)) * 100) / 100;
  return {
    node_ms: ms("node"),
    dynamodb_local_ms: ms("dynamodb"),
    fauxqs_ms: ms("fauxqs"),
    dynamodb_calls: dynamodbCalls,
    sqs_calls: sqsCalls,
    node_ms_per_call: per(ms("node"), dynamodbCalls + sqsCalls),
    dynamodb_local_ms_per_call: per(ms("dynamodb"), dynamodbCalls),
    fauxqs_ms_per_call: per(ms("fauxqs"), sqsCalls),
    node_threads_ms: threads("nodeThreads"),
    dynamodb_local_threads_ms: threads("dynamodbThreads"),
    load_average: Number(loadavg()[0]!.toFixed(1)),
  };
}

const args = process.argv.slice(2);
const timeline = args.includes("--timeline");
const rounds = args.includes("--rounds") ? Number(args[args.indexOf("--rounds") + 1]) : 0;
const named = args.filter((a, i) => !a.startsWith("--") && args[i - 1] !== "--rounds");
const shapes = rounds
  ? Array.from({ length: rounds }, (_, r) => BURST_SHAPES.map((s) => ({ name: s.name, round: r + 1 }))).flat()
  : (named.length ? named : ["burst-healthy", "burst-healthy", "burst-healthy"]).map((name) => ({ name }));
await withRig(await startEmulators(), async (rig) => {
  const java = childNamed("java");
  for (const shape of WARM_UPS) await measure(shape, rig, java);
  for (const { name, ...round } of shapes)
    process.stdout.write(
      `${JSON.stringify({ ...round, ...(await measure(burstShape(name), rig, java, timeline)) })}\n`,
    );
});
