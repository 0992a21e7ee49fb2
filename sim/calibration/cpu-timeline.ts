/**
 * measure-cpu.ts --timeline: WHEN each thread group's CPU is spent through a shape, not only how
 * much. A separate process (so the sampling takes neither the stack's event loop nor its
 * threads' CPU) reads each thread's run time (/proc/PID/task/TID/schedstat, ns) every ~10 ms;
 * the samples are binned against the shape's own marks (tenant a's p50, p95, last delivery).
 */
import { type ChildProcess, spawn } from "node:child_process";

/** One sample: epoch ms, and per "process.group" the CPU ms spent so far. */
export type Sample = [number, Record<string, number>];

const SAMPLER = `
const fs = require("node:fs");
const [procs, groups, every] = JSON.parse(process.argv[1]);
const res = groups.map(([g, s]) => [g, new RegExp(s)]);
const out = [];
const tick = () => {
  const cpu = {};
  for (const [name, pid] of procs)
    for (const tid of fs.readdirSync("/proc/" + pid + "/task")) {
      try {
        const comm = fs.readFileSync("/proc/" + pid + "/task/" + tid + "/comm", "utf8").trim();
        const ns = Number(fs.readFileSync("/proc/" + pid + "/task/" + tid + "/schedstat", "utf8").split(" ")[0]);
        const key = name + "." + (res.find(([, re]) => re.test(comm))?.[0] ?? "other");
        cpu[key] = (cpu[key] ?? 0) + ns / 1e6;
      } catch {}
    }
  out.push([Date.now(), cpu]);
};
const timer = setInterval(tick, every);
process.on("message", () => { clearInterval(timer); tick(); process.send(out, () => process.exit(0)); });
tick();
`;

/** Starts sampling `procs` (name → pid) every `everyMs`; `stop` returns the samples. */
export function sampleThreads(procs: Record<string, number>, groups: [string, RegExp][], everyMs = 10) {
  const arg = JSON.stringify([Object.entries(procs), groups.map(([g, re]) => [g, re.source]), everyMs]);
  const child: ChildProcess = spawn(process.execPath, ["-e", SAMPLER, arg], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return {
    stop: () =>
      new Promise<Sample[]>((resolve) => {
        child.once("message", (m) => resolve(m as Sample[]));
        child.send("stop");
      }),
  };
}

/**
 * The CPU (ms) each group spent between consecutive marks (epoch ms): [t0, m1), [m1, m2) … and
 * after the last mark; each sample's growth is put in the interval its sample falls in.
 */
export function cpuBetween(samples: Sample[], marks: number[]) {
  const spans = marks
    .slice(0, -1)
    .map((m, i) => ({ from: m, to: marks[i + 1]!, cpu: {} as Record<string, number> }));
  spans.push({ from: marks.at(-1)!, to: Number.POSITIVE_INFINITY, cpu: {} });
  for (let i = 1; i < samples.length; i++) {
    const [t, now] = samples[i]!;
    const before = samples[i - 1]![1];
    const span = spans.find((s) => t > s.from && t <= s.to);
    if (!span) continue;
    for (const [k, v] of Object.entries(now)) span.cpu[k] = (span.cpu[k] ?? 0) + v - (before[k] ?? 0);
  }
  const round = (r: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(r)
        .sort()
        .map(([k, v]) => [k, Math.round(v)]),
    );
  return spans.map((s) => ({ from_ms: s.from - marks[0]!, cpu_ms: round(s.cpu) }));
}
