/**
 * The local stack's side of the calibration: each shape (bench/burst.ts) on a fresh stack (its
 * own table and queues, so no state of one shape reaches the next) over one pair of emulators
 * and the benchmark receiver — the helpers `npm run bench` uses (bench/emulators.ts,
 * bench/receiver.ts). Stack settings as `npm start` has them, with its concurrency per event
 * source (functions.*.localConcurrency).
 */
import { randomBytes } from "node:crypto";
import { SQSClient } from "@aws-sdk/client-sqs";
import { runBurst } from "../../bench/burst.js";
import { type BurstShape, burstShape, WARM_UP } from "../../bench/burst-shapes.js";
import { CallCounter } from "../../bench/calls.js";
import { startEmulators } from "../../bench/emulators.js";
import { startBenchReceiver } from "../../bench/receiver.js";
import { clientOptions } from "../../core/config/aws.js";
import { startLocalStack } from "../../local/stack.js";
import type { Side } from "./sim-side.js";
import { type Counts, tallyMetrics } from "./tally.js";

/**
 * Unreported runs before the shapes: the benchmark's warm-up (2 x 30), then the healthy burst
 * twice. After the first alone, the first shape measured took DynamoDB Local 5.5 ms of CPU per
 * call and the local stack's process 1.3 ms, against 2.1-3.0 and 1.0-1.1 ms from the next one
 * on (sim/calibration/measure-cpu.ts, burst-healthy five times): the JVM's JIT was still at work,
 * and the first shape (burst-hang) was the slowest for it.
 */
export const WARM_UPS: readonly BurstShape[] = [
  WARM_UP,
  ...[1, 2].map((n) => ({ ...burstShape("burst-healthy"), name: `warm-up-${n}` })),
];

/**
 * Nothing more can be counted: every task of a shape whose endpoints answer was delivered and
 * no attempt failed (none waits for a retry), so the counts at `observeSeconds` would be these.
 * The observation ends then rather than idling to `observeSeconds` (20 s for `burst-healthy`,
 * 25 s for `paced`, 30 s for `burst-1.9s`), so `--runs 3` fits in minutes. A hanging endpoint's
 * shape always waits it out: its breaker, parks and retries come late.
 */
export function settled(shape: BurstShape, c: Counts): boolean {
  const tasks = (shape.otherEvents ?? shape.perTenant) + shape.perTenant;
  return shape.bad !== "hang" && c.failed_attempts === 0 && c.deliveries === tasks;
}

/**
 * A fresh local stack for one shape on shared emulators (its own table and queues, named by
 * `tag` and a random suffix), the producer's SQS client and bench/burst.ts's context over them
 * and `receiver`; `stop` ends the stack and the client.
 */
export async function shapeStack(emulators: RunningEmulators, tag: string, receiver: BenchReceiver) {
  const stack = await startLocalStack({
    port: 0,
    emulators: { ...emulators, suffix: `${tag}-${randomBytes(3).toString("hex")}` },
  });
  const producer = new SQSClient(clientOptions(stack.config, stack.config.endpoints.sqs));
  const ctx = { stack, receiver, counter: new CallCounter(), producer, admin: producer };
  const stop = async () => {
    producer.destroy();
    await stack.stop();
  };
  return { stack, producer, ctx, stop };
}

type BenchReceiver = Awaited<ReturnType<typeof startBenchReceiver>>;

/** The emulators and the benchmark receiver a run's shapes share, each shape on its own stack. */
export interface Rig<E extends RunningEmulators = RunningEmulators> {
  emulators: E;
  receiver: BenchReceiver;
}

/** Runs `fn` on `emulators` and a benchmark receiver of its own, then stops both. */
export async function withRig<E extends RunningEmulators & { stop(): Promise<void> }, T>(
  emulators: E,
  fn: (rig: Rig<E>) => Promise<T>,
): Promise<T> {
  const receiver = await startBenchReceiver();
  try {
    return await fn({ emulators, receiver });
  } finally {
    await receiver.stop();
    await emulators.stop();
  }
}

/** Emulators already running (the test harness's), instead of starting a pair. */
export interface RunningEmulators {
  dynamodbEndpoint: string;
  sqsEndpoint: string;
}

/** Runs each shape; `onSide` hears each as it is measured (the run takes minutes). */
export async function runLocal(
  shapes: readonly BurstShape[],
  running?: RunningEmulators,
  onSide: (s: Side) => void = () => {},
): Promise<Side[]> {
  const emulators = running ? { ...running, stop: async () => {} } : await startEmulators();
  return withRig(emulators, async (rig) => {
    const out: Side[] = [];
    for (const shape of [...WARM_UPS, ...shapes]) {
      const side = await localSide(shape, rig);
      if (!side) continue;
      out.push(side);
      onSide(side);
    }
    return out;
  });
}

/** One shape on a fresh stack; a warm-up's run is not measured (undefined). */
async function localSide(shape: BurstShape, { emulators, receiver }: Rig): Promise<Side | undefined> {
  const warmUp = WARM_UPS.includes(shape);
  const { ctx, stop } = await shapeStack(emulators, "cal", receiver);
  const tally = tallyMetrics();
  try {
    let counts: Counts | undefined;
    const r = await runBurst(
      ctx,
      shape,
      warmUp ? "other" : "observe",
      () => {
        counts = tally.counts();
      },
      () => settled(shape, tally.counts()),
    );
    if (warmUp) return undefined;
    return {
      shape: shape.name,
      side: "local stack",
      ...counts!,
      attempts: r.requests,
      other_delivered: r.otherDelivered,
      other: { p50_ms: r.otherLatencyMs.p50, p95_ms: r.otherLatencyMs.p95, p99_ms: r.otherLatencyMs.p99 },
    };
  } finally {
    tally.stop();
    await stop();
  }
}
