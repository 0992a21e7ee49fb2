/** The results of a run, the aims checked against them, and their markdown table. */
import { type BurstResult, burstAims, renderBurst } from "./burst.js";
import type { CallSnapshot } from "./calls.js";
import type { ColdStartResult } from "./cold-start.js";
import type { CostRow } from "./cost.js";
import type { HandlerCpuResult, SignResult } from "./cpu.js";
import type { E2eResult } from "./e2e.js";
import type { DynamoProbeResult, FloorResult } from "./floor.js";
import { type NoisyResult, renderNoisy } from "./noisy.js";
import { type Machine, round } from "./stats.js";

export interface Results {
  command: string;
  machine: Machine;
  startedAt: string;
  durationSeconds: number;
  events: number;
  retryEvents: number;
  deliveryPollers: number;
  ingestPollers: number;
  loadAverage: { start: number; end?: number };
  coldStart?: { functions: ColdStartResult[]; components: ColdStartResult[] };
  sign?: SignResult[];
  /** Floor (a) runs before and after the end-to-end runs (the machine's load drifts); ratios use their mean. */
  floor?: { queue: FloorResult; queueAfter?: FloorResult; post: FloorResult; dynamo?: DynamoProbeResult };
  e2e: E2eResult[];
  handlerCpu?: HandlerCpuResult & { calls: CallSnapshot };
  /** The noisy-neighbour runs: a baseline, then one per kind of bad endpoint. */
  noisy?: NoisyResult[];
  /** Burst isolation (bench/burst.ts): both healthy, then one endpoint at 1.9 s, then hanging. */
  burst?: BurstResult[];
  maxRssMb?: number;
  cost?: CostRow[];
  /** When the cost table was re-run alone (`--cost-only`): what, when, the load at its end. */
  costRun?: string;
  aims?: Aim[];
}

export interface Aim {
  aim: string;
  measured: string;
  met: boolean;
  /** Why it was missed, from the measurements. */
  cause?: string;
}

/** Floor (a) deliveries/s: the mean of its runs. */
export function floorA(r: Results): number {
  const runs = [r.floor?.queue, r.floor?.queueAfter].filter((f): f is FloorResult => f !== undefined);
  return runs.reduce((sum, f) => sum + f.deliveriesPerSecond, 0) / Math.max(runs.length, 1);
}

/** Origins whose calls are billed to the account and made because of a delivery. */
const SERVICE = ["producer", "ingest", "deliver", "maintenance"];

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

export interface CallSummary {
  /** "origin Service.Operation" → calls per delivery. */
  perDelivery: Record<string, number>;
  service: number;
  esm: number;
  emptyEsmReceives: number;
  notBilled: number;
  billedPerDelivery: number;
  billedPerEvent: number;
  serviceOnlyPerDelivery: number;
  wruPerDelivery: number;
  rruPerDelivery: number;
}

export function summarizeCalls(r: E2eResult): CallSummary {
  const c = r.calls;
  const perDelivery: Record<string, number> = {};
  let service = 0;
  let esm = 0;
  let notBilled = 0;
  for (const [origin, ops] of Object.entries(c.calls)) {
    for (const [op, n] of Object.entries(ops)) {
      if (SERVICE.includes(origin)) service += n;
      else if (origin === "esm") esm += n;
      else notBilled += n;
      if (origin === "local-scheduler") continue;
      const billed = origin === "esm" && op === "SQS.ReceiveMessage" ? n - (c.emptyReceives.esm ?? 0) : n;
      perDelivery[`${origin === "esm" ? "ESM (billed, done by AWS)" : origin} ${op}`] =
        billed / Math.max(r.delivered, 1);
    }
  }
  const emptyEsm = c.emptyReceives.esm ?? 0;
  let wru = 0;
  let rru = 0;
  for (const [origin, cap] of Object.entries(c.capacity)) {
    if (!SERVICE.includes(origin)) continue;
    wru += cap.write;
    rru += cap.read;
  }
  const billed = service + esm - emptyEsm;
  const d = Math.max(r.delivered, 1);
  return {
    perDelivery,
    service,
    esm,
    emptyEsmReceives: emptyEsm,
    notBilled,
    billedPerDelivery: billed / d,
    billedPerEvent: billed / r.events,
    serviceOnlyPerDelivery: service / d,
    wruPerDelivery: wru / d,
    rruPerDelivery: rru / d,
  };
}

/** Events/s the ingest stage and deliveries/s the delivery stage could sustain, from handler wall times. */
export function stageCapacity(r: E2eResult, ingestPollers: number, deliveryPollers: number) {
  const c = r.calls;
  const perRecord = (origin: string) => (c.handlerMs[origin] ?? 0) / Math.max(c.records[origin] ?? 0, 1);
  const ingestMsPerInvocation = (c.handlerMs.ingest ?? 0) / Math.max(c.invocations.ingest ?? 0, 1);
  const deliverMsPerInvocation = (c.handlerMs.deliver ?? 0) / Math.max(c.invocations.deliver ?? 0, 1);
  return {
    ingestEventsPerSecond: ingestPollers / (perRecord("ingest") / 1000),
    deliverPerSecond: deliveryPollers / (perRecord("deliver") / 1000),
    ingestMsPerInvocation,
    ingestRecordsPerInvocation: (c.records.ingest ?? 0) / Math.max(c.invocations.ingest ?? 0, 1),
    deliverMsPerInvocation,
    deliverRecordsPerInvocation: (c.records.deliver ?? 0) / Math.max(c.invocations.deliver ?? 0, 1),
  };
}

/** Average latency (ms) of each operation in a run, from the call counter. */
function opLatency(r: E2eResult, op: string): number {
  let n = 0;
  for (const ops of Object.values(r.calls.calls)) n += ops[op] ?? 0;
  return (r.calls.opMs[op] ?? 0) / Math.max(n, 1);
}

const WRITE_OPS = ["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"];

/** DynamoDB write requests the ingest handler made per event in a run. */
function ingestWrites(r: E2eResult): number {
  const ops = r.calls.calls.ingest ?? {};
  const n = WRITE_OPS.reduce((sum, op) => sum + (ops[`DynamoDB.${op}`] ?? 0), 0);
  return n / Math.max(r.events, 1);
}

export function evaluateAims(r: Results): Aim[] {
  const aims: Aim[] = [...burstAims(r.burst ?? [])];
  const [f1, f5] = [
    r.e2e.find((e) => e.fanout === 1 && !e.failFirst && !e.ratePerSecond),
    r.e2e.find((e) => e.fanout === 5),
  ];
  if (f1 && r.floor) {
    const ratio = f1.deliveriesPerSecond / floorA(r);
    const cap = stageCapacity(f1, r.ingestPollers, r.deliveryPollers);
    const ingestOps = Object.entries(f1.calls.calls.ingest ?? {})
      .filter(([, n]) => n / f1.events >= 0.01)
      .map(([op, n]) => `${op} ×${round(n / f1.events, 2)} (${fmt(opLatency(f1, op))} ms)`)
      .join(", ");
    aims.push({
      aim: "fan-out 1 throughput ≥ 0.5 × floor (a)",
      measured: `${round(ratio, 2)} (${fmt(f1.deliveriesPerSecond)}/s vs ${fmt(floorA(r))}/s)`,
      met: ratio >= 0.5,
      cause:
        ratio >= 0.5
          ? undefined
          : `bottleneck stage = ${cap.ingestEventsPerSecond < cap.deliverPerSecond ? "ingest" : "delivery"}. ` +
            `Ingest: ${fmt(cap.ingestMsPerInvocation)} ms per invocation of ${round(cap.ingestRecordsPerInvocation, 1)} records ` +
            `(per event: ${ingestOps}; avg latency on the emulators), ${r.ingestPollers} pollers → ` +
            `~${fmt(cap.ingestEventsPerSecond)} events/s. Delivery: ${fmt(cap.deliverMsPerInvocation)} ms per invocation of ` +
            `${round(cap.deliverRecordsPerInvocation, 1)} records, ${r.deliveryPollers} pollers → ~${fmt(cap.deliverPerSecond)}/s ` +
            `(BatchWriteItem ${fmt(opLatency(f1, "DynamoDB.BatchWriteItem"))} ms avg, ingest's and delivery's). Floor (a) makes no DynamoDB call` +
            (r.floor.dynamo
              ? `; DynamoDB Local alone sustains ${fmt(r.floor.dynamo.putsPerSecond)} PutItem/s at ${r.floor.dynamo.concurrency} in flight (p50 ${fmt(r.floor.dynamo.latencyMs.p50)} ms), and ingest makes ${round(ingestWrites(f1), 2)} DynamoDB write requests per event.`
              : "."),
    });
  }
  if (f1) {
    const s = summarizeCalls(f1);
    const top = Object.entries(s.perDelivery)
      .filter(([, v]) => v >= 0.05)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${round(v, 2)}`)
      .join(", ");
    aims.push({
      aim: "≤ 3 billed AWS requests per successful delivery at fan-out 1",
      measured: `${round(s.billedPerDelivery, 2)} (${round(s.serviceOnlyPerDelivery, 2)} without the ESM's)`,
      met: s.billedPerDelivery <= 3,
      cause: s.billedPerDelivery <= 3 ? undefined : `per delivery: ${top}`,
    });
  }
  if (f1 && f5) {
    const [a, b] = [summarizeCalls(f1).billedPerDelivery, summarizeCalls(f5).billedPerDelivery];
    aims.push({
      aim: "fewer billed requests per delivery at fan-out 5 than at fan-out 1",
      measured: `${round(b, 2)} vs ${round(a, 2)}`,
      met: b < a,
    });
  }
  for (const [name, max] of [
    ["first attempt succeeds, fan-out 1", 2],
    ["with a producer id", 3],
  ] as const) {
    const c = r.cost?.find((x) => x.name === name);
    if (!c) continue;
    aims.push({
      aim: `≤ ${max}.0 DynamoDB write units per delivery (${name})`,
      measured: `${c.wruPerDelivery}`,
      met: c.wruPerDelivery <= max,
    });
  }
  for (const f of r.coldStart?.functions ?? []) {
    // Bundle aims of docs/cost.md: the API (OpenAPI, validation) may be larger.
    const maxKb = f.name === "api" ? 800 : 500;
    const parts = (f.topInputs ?? []).map((i) => `${i.path} ${fmt(i.kb)} KB`).join(", ");
    if (f.error || f.bundleKb === undefined) {
      aims.push({
        aim: `${f.name}: bundle ≤ ${maxKb} KB, init ≤ 150 ms`,
        measured: "not measured",
        met: false,
        cause: f.error,
      });
      continue;
    }
    aims.push({
      aim: `${f.name} bundle ≤ ${maxKb} KB`,
      measured: `${fmt(f.bundleKb)} KB`,
      met: f.bundleKb <= maxKb,
      cause: f.bundleKb <= maxKb ? undefined : `largest parts: ${parts}`,
    });
    const cpu = f.initCpuMs ?? 0;
    const heaviest = (r.coldStart?.components ?? [])
      .filter(
        (c) => c.initCpuMs !== undefined && c.name !== "empty module" && !c.name.startsWith("api modules"),
      )
      .sort((a, b) => (b.initCpuMs ?? 0) - (a.initCpuMs ?? 0))
      .slice(0, 4)
      .map((c) => `${c.name} ${fmt(c.initCpuMs ?? 0)} ms`)
      .join(", ");
    const met = f.initMs !== undefined && f.initMs <= 150;
    aims.push({
      aim: `${f.name} init ≤ 150 ms`,
      measured: f.initMs === undefined ? "not measured" : `${fmt(f.initMs)} ms (CPU ${fmt(cpu)} ms)`,
      met,
      cause: met
        ? undefined
        : (f.error ?? "") +
          (cpu <= 150
            ? `CPU time ${fmt(cpu)} ms is within the aim; the other ${fmt((f.initMs ?? 0) - cpu)} ms of wall time were spent waiting (load average ${r.loadAverage.start} on ${r.machine.cores} cores).`
            : `CPU time ${fmt(cpu)} ms. Init CPU of its libraries imported alone: ${heaviest} (node itself: ` +
              `${fmt(r.coldStart?.components.find((c) => c.name === "empty module")?.initCpuMs ?? 0)} ms).`),
    });
  }
  return aims;
}

const row = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;

export function renderTable(r: Results): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(
    `Measured with \`${r.command}\` on ${m.cpu}, ${m.cores} cores, Node ${m.node} (${m.platform}), ${r.startedAt.slice(0, 10)}; ` +
      `load average ${r.loadAverage.start} at start, ${r.loadAverage.end ?? "?"} at end; ${r.durationSeconds} s in all.`,
    "",
    `Local stack: DynamoDB Local + fauxqs (own processes), ingest and delivery handlers behind the event-source ` +
      `emulation (ingest ${r.ingestPollers} pollers, delivery ${r.deliveryPollers} pollers × batch 10), ` +
      "a receiver on 127.0.0.1 (own process) verifying every signature with `standardwebhooks`.",
    "",
  );
  if (r.e2e.length) {
    out.push(
      `**End to end**: ${fmt(r.events)} events (${fmt(r.retryEvents)} for the retry case) published to the ingest queue with SendMessageBatch.`,
      "",
      row([
        "run",
        "deliveries",
        "missing",
        "duplicates",
        "bad signatures",
        "deliveries/s",
        "÷ floor (a)",
        "÷ floor (b)",
        "latency p50 / p95 / p99",
      ]),
      row(["---", "--:", "--:", "--:", "--:", "--:", "--:", "--:", "--:"]),
    );
    for (const e of r.e2e) {
      out.push(
        row([
          e.name,
          fmt(e.delivered),
          fmt(e.missing),
          fmt(e.duplicates),
          fmt(e.invalidSignatures),
          fmt(e.deliveriesPerSecond),
          r.floor && !e.ratePerSecond ? round(e.deliveriesPerSecond / floorA(r), 2) : "–",
          r.floor && !e.ratePerSecond
            ? round(e.deliveriesPerSecond / r.floor.post.deliveriesPerSecond, 2)
            : "–",
          `${fmt(e.latencyMs.p50)} / ${fmt(e.latencyMs.p95)} / ${fmt(e.latencyMs.p99)} ms`,
        ]),
      );
    }
    const floors = r.floor ? [r.floor.queue, r.floor.queueAfter, r.floor.post] : [];
    for (const f of floors.filter((x): x is FloorResult => x !== undefined)) {
      out.push(
        row([
          `${f.name} (${f.concurrency})`,
          fmt(f.deliveries),
          "–",
          "–",
          "–",
          fmt(f.deliveriesPerSecond),
          "",
          "",
          f.latencyMs
            ? `${fmt(f.latencyMs.p50)} / ${fmt(f.latencyMs.p95)} / ${fmt(f.latencyMs.p99)} ms`
            : "–",
        ]),
      );
    }
    const probe = r.floor?.dynamo;
    if (probe) {
      out.push(
        row([
          `DynamoDB Local alone: PutItem of ~1 KB (${probe.concurrency} in flight)`,
          fmt(probe.puts),
          "–",
          "–",
          "–",
          `${fmt(probe.putsPerSecond)} puts/s`,
          "",
          "",
          `${fmt(probe.latencyMs.p50)} / – / ${fmt(probe.latencyMs.p99)} ms`,
        ]),
      );
    }
    out.push(
      "",
      "Latency is publish → receipt. Except in the paced run, all events are published at once, so latency is mostly time queued behind the slowest stage; the paced run publishes at half the measured fan-out 1 throughput. Floor (a) runs twice, before and after fan-out 1 and 5, because its speed drifts with the machine's load; the ratios use the mean of the two.",
      "",
    );

    const sums = r.e2e.map(summarizeCalls);
    const keys = [...new Set(sums.flatMap((s) => Object.keys(s.perDelivery)))].sort();
    out.push(
      "**AWS requests per successful delivery** (SDK middleware; ESM = the ReceiveMessage / DeleteMessageBatch that Lambda's event source mapping makes on AWS, billed to the account; empty receives left out)",
      "",
      row(["", ...r.e2e.map((e) => e.name)]),
      row(["---", ...r.e2e.map(() => "--:")]),
    );
    for (const k of keys) out.push(row([k, ...sums.map((s) => round(s.perDelivery[k] ?? 0, 3))]));
    out.push(
      row(["**billed requests per delivery**", ...sums.map((s) => `**${round(s.billedPerDelivery, 2)}**`)]),
      row(["billed requests per event", ...sums.map((s) => round(s.billedPerEvent, 2))]),
      row([
        "of which the service's own (no ESM), per delivery",
        ...sums.map((s) => round(s.serviceOnlyPerDelivery, 2)),
      ]),
      row([
        "DynamoDB write units per delivery (DynamoDB Local's ConsumedCapacity TOTAL: item size and index writes)",
        ...sums.map((s) => round(s.wruPerDelivery, 2)),
      ]),
      row(["DynamoDB read units per delivery", ...sums.map((s) => round(s.rruPerDelivery, 3))]),
      row([
        "not counted above: empty ESM receives / local scheduler poller calls",
        ...sums.map((s) => `${s.emptyEsmReceives} / ${s.notBilled}`),
      ]),
      "",
    );
  }

  out.push("**Hot path CPU**", "", row(["", "measured"]), row(["---", "--:"]));
  for (const s of r.sign ?? []) {
    out.push(
      row([
        `signing (core/signing/sign.ts), ${fmt(s.bodyBytes / 1024)} KiB body`,
        `${fmt(s.mbPerSecond)} MB/s (${fmt(s.signaturesPerSecond)} signatures/s)`,
      ]),
    );
  }
  if (r.handlerCpu) {
    const h = r.handlerCpu;
    let calls = 0;
    for (const ops of Object.values(h.calls.calls)) for (const n of Object.values(ops)) calls += n;
    out.push(
      row([
        `delivery handler CPU per record (${fmt(h.records)} synthetic records, ${h.concurrency} × batch 10, receiver answers at once)`,
        `${h.cpuMsPerRecord} ms (${fmt(h.recordsPerCpuSecond)} records per CPU-second; ${round(calls / h.records, 2)} AWS calls per record)`,
      ]),
    );
  }
  for (const e of r.e2e) {
    out.push(
      row([
        `handler process CPU per delivery, end to end (incl. the producer and the event-source emulation), ${e.name}`,
        `${e.cpuMsPerDelivery} ms`,
      ]),
    );
  }
  out.push("");

  if (r.coldStart) {
    out.push(
      "**Cold start** (bundled as SST does with core/config/infra.ts `bundle`: esbuild, ESM, es2024, minified, " +
        "code splitting, zod in English only; _bundle_ = the code an `import()` of the entry loads, _lazy chunks_ = code " +
        "behind a dynamic `import()`, loaded on first use; module init = `import()` in a fresh `node`, median of 7)",
      "",
      row(["function", "bundle", "lazy chunks", "init (wall)", "init (CPU)", "largest parts"]),
      row(["---", "--:", "--:", "--:", "--:", "---"]),
    );
    for (const f of [...r.coldStart.functions, ...r.coldStart.components]) {
      out.push(
        row([
          f.name,
          f.bundleKb === undefined ? "–" : `${fmt(f.bundleKb)} KB`,
          f.lazyKb ? `${fmt(f.lazyKb)} KB` : "–",
          f.initMs === undefined ? (f.error ?? "–") : `${fmt(f.initMs)} ms`,
          f.initCpuMs === undefined ? "–" : `${fmt(f.initCpuMs)} ms`,
          (f.topInputs ?? []).map((i) => `${i.path} ${fmt(i.kb)} KB`).join(", "),
        ]),
      );
    }
    out.push("");
  }

  const peak = Math.max(0, ...r.e2e.map((e) => e.peakRssMb));
  if (peak) {
    out.push(
      `**Memory**: peak RSS of the process running the handlers (handlers, API, event-source emulation, SDK clients) ` +
        `during the end-to-end runs: ${fmt(peak)} MB (max RSS over the whole run: ${fmt(r.maxRssMb ?? 0)} MB).`,
      "",
    );
  }

  if (r.aims?.length) {
    out.push(
      "**Aims**",
      "",
      row(["aim", "measured", "met", "cause (measured)"]),
      row(["---", "---", "---", "---"]),
    );
    for (const a of r.aims) out.push(row([a.aim, a.measured, a.met ? "yes" : "**no**", a.cause ?? ""]));
    out.push("");
  }
  if (r.noisy?.length) out.push("", ...renderNoisy(r.noisy));
  if (r.burst?.length) out.push("", ...renderBurst(r.burst));
  return out.join("\n");
}
