/**
 * The local stack's compute, for the calibration only (`WorldSettings.localMachine`): the
 * simulation's AWS gives every concurrent invocation its own CPU and the handlers' own work no
 * time, while the local stack runs every function in one Node process (one event loop) beside
 * DynamoDB Local's JVM and fauxqs, on this machine's 2 cores. A burst there is CPU-bound.
 *
 * The model: each process's work is a constant CPU time per call, queued FIFO on the machine's
 * cores; the Node process's work also waits for its one event loop. A call's answer comes when
 * its emulator's CPU work is done or after the model's own latency, whichever is later (an idle
 * machine answers as the models do). Work is reserved when it is asked for, in order, on the
 * core it can start on first (never moved later to fill a gap): deterministic, on the virtual
 * clock, never the sim's own time.
 *
 * Constants: CPU time (user + sys) per call, measured on this machine (AMD EPYC, 2 cores) by
 * `npx tsx sim/calibration/measure-cpu.ts` (the calibration's shapes on the local stack, each
 * process's CPU from /proc over the busy part of the shape, divided by the calls the stack made
 * in it; docs/scale.md "Calibration" gives the figures). Not modelled: the receiver's process
 * (0.25 ms per request), the pollers' empty long polls, and the event publisher's own calls.
 */
import type { Engine } from "../engine.js";

/** `nproc` of the machine the calibration runs on. */
export const MACHINE_CORES = 2;
/*
 * CPU per call: the medians of ten burst-healthy runs after the warm-ups (measure-cpu.ts and the
 * probe it was made from, 12:27-12:40 UTC on 2026-12-07, load average 8-18 from the other
 * sessions on the machine; the spread is the load's).
 */
/** The Node process, per AWS SDK call its code makes (serializing, signing, parsing): 0.91-1.28 ms. */
export const NODE_MS_PER_CALL = 1;
/** DynamoDB Local's JVM, per DynamoDB call: 2.07-3.20 ms. */
export const DYNAMODB_LOCAL_MS_PER_CALL = 2.6;
/** fauxqs (its own Node process in the calibration), per SQS call: 0.30-0.42 ms. */
export const FAUXQS_MS_PER_CALL = 0.35;
/**
 * The local poller's SDK calls per invocation (local/event-source.ts): GetQueueAttributes (the
 * in-flight cap's count) and ReceiveMessage before the handler, DeleteMessageBatch after it.
 */
export const POLLER_CALLS_BEFORE = 2;
export const POLLER_CALLS_AFTER = 1;

type Lane = "node" | "dynamodb" | "fauxqs";
type Command = { input: unknown; constructor: { name: string } };
type Client = { send(command: Command): Promise<unknown> };

export class LocalMachine {
  /** When each core is next free (virtual ms). */
  private cores: number[] = Array.from({ length: MACHINE_CORES }, () => 0);
  /** When the Node process's event loop is next free. */
  private loopFree = 0;

  constructor(private engine: Engine) {}

  /** Resolves when `ms` of the lane's CPU work, queued now, is done. */
  run(lane: Lane, ms: number): Promise<void> {
    const now = this.engine.t;
    const after = lane === "node" ? Math.max(now, this.loopFree) : now;
    // The core it starts on first; of those, the one free last (the other stays free for work
    // that need not wait for the event loop: a reservation is never moved to fill a gap).
    let core = 0;
    const start = (c: number) => Math.max(after, this.cores[c]!);
    for (let c = 1; c < this.cores.length; c++) {
      const earlier = start(c) < start(core);
      if (earlier || (start(c) === start(core) && this.cores[c]! > this.cores[core]!)) core = c;
    }
    const end = start(core) + ms;
    this.cores[core] = end;
    if (lane === "node") this.loopFree = end;
    return this.engine.sleep(end - now);
  }

  /** The local poller's own SQS calls before an invocation's handler, or after it. */
  readonly pollerCalls = async (phase: "before" | "after"): Promise<void> => {
    const calls = phase === "before" ? POLLER_CALLS_BEFORE : POLLER_CALLS_AFTER;
    for (let i = 0; i < calls; i++) await this.call("fauxqs", FAUXQS_MS_PER_CALL, async () => undefined);
  };

  /** A client whose calls take the machine's CPU: the Node process's, then the emulator's. */
  client<T extends Client>(inner: T, emulator: "dynamodb" | "fauxqs"): T {
    const ms = emulator === "dynamodb" ? DYNAMODB_LOCAL_MS_PER_CALL : FAUXQS_MS_PER_CALL;
    return { ...inner, send: (command: Command) => this.call(emulator, ms, () => inner.send(command)) };
  }

  private async call<R>(emulator: Lane, ms: number, answer: () => Promise<R>): Promise<R> {
    await this.run("node", NODE_MS_PER_CALL);
    const out = answer();
    // The answer (or the error) no sooner than the emulator's CPU work is done.
    out.catch(() => {});
    await this.run(emulator, ms);
    return out;
  }
}
