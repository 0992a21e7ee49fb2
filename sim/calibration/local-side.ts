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
import { type BurstShape, WARM_UP } from "../../bench/burst-shapes.js";
import { CallCounter } from "../../bench/calls.js";
import { startEmulators } from "../../bench/emulators.js";
import { startBenchReceiver } from "../../bench/receiver.js";
import { clientOptions } from "../../core/config/aws.js";
import { startLocalStack } from "../../local/stack.js";
import type { Side } from "./sim-side.js";
import { type Counts, tallyMetrics } from "./tally.js";

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
  const receiver = await startBenchReceiver();
  const out: Side[] = [];
  try {
    for (const shape of [WARM_UP, ...shapes]) {
      const stack = await startLocalStack({
        port: 0,
        emulators: { ...emulators, suffix: `cal-${randomBytes(3).toString("hex")}` },
      });
      const producer = new SQSClient(clientOptions(stack.config, stack.config.endpoints.sqs));
      const tally = tallyMetrics();
      try {
        let counts: Counts | undefined;
        const ctx = { stack, receiver, counter: new CallCounter(), producer, admin: producer };
        const r = await runBurst(ctx, shape, shape === WARM_UP ? "other" : "observe", () => {
          counts = tally.counts();
        });
        if (shape === WARM_UP) continue;
        const side: Side = {
          shape: shape.name,
          side: "local stack",
          ...counts!,
          attempts: r.requests,
          other_delivered: r.otherDelivered,
          other: { p50_ms: r.otherLatencyMs.p50, p95_ms: r.otherLatencyMs.p95, p99_ms: r.otherLatencyMs.p99 },
        };
        out.push(side);
        onSide(side);
      } finally {
        tally.stop();
        producer.destroy();
        await stack.stop();
      }
    }
  } finally {
    await receiver.stop();
    await emulators.stop();
  }
  return out;
}
