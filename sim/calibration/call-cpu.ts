/**
 * The calibration's local machine's CPU per call (local-machine.ts), by thread group and by how
 * warm the JITs are: measured on this machine by `npx tsx sim/calibration/measure-cpu.ts --rounds N`
 * (docs/scale.md "Calibration", Compute).
 */
/**
 * CPU per call (user + sys, ms) of each process's threads, by where it runs: the Node process's
 * main thread on its one event loop, V8's worker threads (GC, compiling) on a core beside it;
 * DynamoDB Local's request (Jetty), SQLite and GC threads on the call's path, its JIT compiler
 * threads on a core beside it (no call waits for them, but their CPU takes a core during the
 * burst: 64-90 % of burst-healthy's before tenant a's last delivery, measure-cpu.ts --timeline).
 */
export interface CallCpu {
  /** The Node process's main thread, per AWS SDK call its code makes (serializing, signing, parsing, the handlers). */
  nodeLoop: number;
  /** V8's worker threads of the Node process, per SDK call: a core, not the event loop. */
  nodeWorkers: number;
  /** DynamoDB Local's request, SQLite and GC threads, per DynamoDB call: on the call's path. */
  dynamodb: number;
  /** DynamoDB Local's JIT compiler threads, per DynamoDB call: a core, off the call's path. */
  dynamodbJit: number;
  /** fauxqs (its own Node process in the calibration), per SQS call. */
  fauxqs: number;
}
/*
 * Measured by `measure-cpu.ts --rounds 6` and `--rounds 7` (the calibration's four shapes in its
 * order, after its warm-ups, on one JVM; 00:19-00:25 UTC on 2026-12-08, load average 5-13 from
 * the other sessions): each round's CPU by thread over its shapes' busy parts, divided by the
 * calls. The JIT compiler's part falls as the JVM warms: rounds 1-2 1.15-1.68 ms per DynamoDB
 * call, rounds 3-7 0.34-0.96 (the two ranges do not overlap in either JVM), DynamoDB Local's
 * other threads with it (1.24-1.36 -> 0.93-1.36). Medians of each stage's rounds (4 and 9).
 */
/** A fresh JVM's first two rounds of the shapes (after the warm-ups). */
export const CPU_EARLY: CallCpu = {
  nodeLoop: 0.9,
  nodeWorkers: 0.13,
  dynamodb: 1.34,
  dynamodbJit: 1.35,
  fauxqs: 0.28,
};
/** From the third round on. */
export const CPU_WARM: CallCpu = {
  nodeLoop: 0.8,
  nodeWorkers: 0.08,
  dynamodb: 0.99,
  dynamodbJit: 0.62,
  fauxqs: 0.26,
};
/**
 * The CPU per call of the local stack's `round`-th run of each shape (`--calibrate --runs N`
 * runs the shapes in turn, N rounds, on one JVM): so the median of N runs is read, on both
 * sides, at the same warmth (round 2 of 3, round 3 of 5, round 4 of 7).
 */
export function cpuOfRound(round: number): CallCpu {
  return round <= 2 ? CPU_EARLY : CPU_WARM;
}

/** The CPU per call of a world's `localMachine` setting: a round's, or without one a warm JVM's. */
export function cpuOf(setting: true | { round: number }): CallCpu {
  return setting === true ? CPU_WARM : cpuOfRound(setting.round);
}
