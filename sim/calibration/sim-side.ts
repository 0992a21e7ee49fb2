/**
 * The simulation's side of a calibration shape (bench/burst.ts): the same two tenants and
 * endpoints, with the local stack's settings — each event source at its local concurrency
 * (functions.*.localConcurrency), always up (no scale-up from 5, no cold start), no batching
 * window (a local poller's receive returns what is there) and no invocation overhead (it calls
 * the handler in-process), one process for every function
 * (one set of caches and breaker windows, local/handlers.ts), receivers answering at once
 * (the benchmark receiver on 127.0.0.1), the local stack's compute: every call's CPU work
 * in that one process and the emulators, on this machine's 2 cores (local-machine.ts), and
 * the benchmark's publisher: 10 events per SendMessageBatch, 4 at a time (publisher.ts).
 */
import { type BurstShape, publishOrder } from "../../bench/burst-shapes.js";
import { functions } from "../../core/config/index.js";
import type { Behaviour } from "../receivers.js";
import { type RunSpec, runOnce } from "../run.js";
import { publishShape } from "./publisher.js";
import { type Counts, tallyMetrics } from "./tally.js";

export interface Side extends Counts {
  shape: string;
  side: "local stack" | "simulation";
  /** Requests that reached the receivers (every attempt, answered or not). */
  attempts: number;
  /** Tenant a's deliveries and their publish → receipt delay. */
  other_delivered: number;
  other: { p50_ms: number; p95_ms: number; p99_ms: number };
  /** The machine's 1-minute load average when the side was measured (the local stack's delays depend on it). */
  load_average?: number;
  /** Which of the `--runs` this side is (1, 2, …); older JSON has one run and no number. */
  run?: number;
  /** The simulation's seed (each run its own). */
  seed?: number;
}

const BAD: Record<BurstShape["bad"], Behaviour> = {
  none: "local",
  hang: "hang",
  "under-budget": "under-budget",
};

/**
 * A local poller (local/event-source.ts): no batching window (its receive returns what is
 * there) and no invocation overhead (it calls the handler in this process).
 */
const LOCAL_POLLER = { batchWindowSeconds: 0, invokeOverheadMs: 0 };

/** The local stack's settings (local/stack.ts) in the simulation's terms. */
const LOCAL_WORLD: RunSpec["world"] = {
  warm: true,
  oneProcess: true,
  localMachine: true,
  ingest: { maxConcurrency: functions.ingest.localConcurrency, ...LOCAL_POLLER },
  deliver: { maxConcurrency: functions.deliver.localConcurrency, ...LOCAL_POLLER },
  deliverSlow: { maxConcurrency: functions.deliverSlow.localConcurrency, ...LOCAL_POLLER },
};

/**
 * The shape as a run of the simulation: tenants a and b (one endpoint each), their events
 * published as the benchmark publishes them (publisher.ts), not by the groups (`to: 0`); as the
 * local stack's `round`-th run of it (its JITs' warmth, local-machine.ts cpuOfRound; by default
 * a JVM past its first two rounds).
 */
export function simSpec(shape: BurstShape, round?: number): RunSpec {
  const seconds = shape.ratePerTenant ? shape.perTenant / shape.ratePerTenant : 0.001;
  const group = { tenants: 1, endpointsPerTenant: 1, k: 1, fanout: 1, healthy: "local", to: 0 } as const;
  const ratePerS = shape.ratePerTenant ?? shape.perTenant / seconds;
  return {
    seconds,
    drainSeconds: shape.observeSeconds - seconds,
    world: round === undefined ? LOCAL_WORLD : { ...LOCAL_WORLD, localMachine: { round } },
    arrange: (world, _faulty, t0) => publishShape(world, shape, t0),
    arrangedEvents: publishOrder(shape).length,
    groups: [
      { name: "a", ...group, ratePerS },
      { name: "b", ...group, ratePerS, atFault: true, behaviour: () => BAD[shape.bad] },
    ],
  };
}

export async function runSim(shape: BurstShape, seed: number, round?: number): Promise<Side> {
  const tally = tallyMetrics();
  try {
    const f = await runOnce(simSpec(shape, round), seed, true);
    const c = tally.counts();
    return {
      shape: shape.name,
      side: "simulation",
      seed,
      ...c,
      attempts: f.counters.receiver_requests ?? 0,
      other_delivered: f.healthy_deliveries,
      other: f.healthy,
    };
  } finally {
    tally.stop();
  }
}
