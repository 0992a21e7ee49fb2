/**
 * The local stack's compute, for the calibration only (`WorldSettings.localMachine`): the
 * simulation's AWS gives every concurrent invocation its own CPU and the handlers' own work no
 * time, while the local stack runs every function in one Node process (one event loop) beside
 * DynamoDB Local's JVM and fauxqs, on this machine's 2 cores. A burst there is CPU-bound.
 *
 * The model: each process's threads' work is a constant CPU time per call (`CallCpu`, as warm as
 * the run's round has made the JITs), queued FIFO on the machine's cores; the Node process's main
 * thread's also waits for its one event loop, and the call waits for none of the threads beside. A call's answer comes when
 * its emulator's CPU work is done, or after the model's own latency if that is later, and the
 * process reads it when its event loop is free (the work queued there meanwhile first): the
 * calibration's world turns the models' AWS latencies off (sim/world.ts), since the emulators
 * answer on 127.0.0.1 in about their CPU time (a put one at a time: 2.0-2.5 ms, of which
 * 0.6 ms the Node process's and 0.75-1.05 ms the JVM's, warm; fauxqs's GetQueueAttributes
 * 1.5 ms, its median during a burst at load 5-9). Work is reserved when it is asked for, in order, on the
 * core it can start on first (never moved later to fill a gap): deterministic, on the virtual
 * clock, never the sim's own time.
 *
 * Constants (call-cpu.ts): CPU time (user + sys) per call, measured on this machine (AMD EPYC, 2 cores) by
 * `npx tsx sim/calibration/measure-cpu.ts --rounds N` (the calibration's shapes on the local
 * stack, each thread's CPU from /proc over the busy part of the shape, divided by the calls the
 * stack made in it; docs/scale.md "Calibration" gives the figures).
 *
 * The local pollers' own calls (local/event-source.ts) are the machine's too: each invocation's
 * three, a batch's further receives above 10 (the delivery lane's batches of 20), and the empty
 * polls of the pollers a put wakes for nothing (fauxqs wakes every waiting receive of the
 * queue when the message is put). And their receives (`eventSource`): at most 10 records each,
 * a batch of 20's further receive taking what is visible when it reaches fauxqs, and a put while
 * the woken pollers poll again waits for the next receive (burst-hang's and burst-1.9s's p50,
 * docs/scale.md "Calibration"); a delay or visibility timeout that ends is seen at fauxqs's next
 * 20 ms look (`revealAt`: burst-hang's attempts). Not modelled (docs/scale.md "Calibration",
 * paced): the receiver's process (0.25 ms per request), an idle poller's long poll ending empty
 * after its 1 s (the slow and ordered lanes' eight pollers in step, about 16 calls a second), and
 * the local scheduler's query every second.
 */
import type { Engine } from "../engine.js";
import { type CallCpu, CPU_WARM } from "./call-cpu.js";

/** The world's setting's CPU per call (sim/world.ts constructs the machine from it). */
export { cpuOf } from "./call-cpu.js";

/** `nproc` of the machine the calibration runs on. */
export const MACHINE_CORES = 2;
/**
 * A local poller's SDK calls per invocation (local/event-source.ts), all charged when its
 * handler returns: DeleteMessageBatch, then GetQueueAttributes (the in-flight cap's count) and
 * ReceiveMessage for its next batch. A busy poller makes those two before it can take more
 * (its unit stays held); an idle one made them before the messages came, its long poll waiting.
 */
export const POLLER_CALLS = 3;
/**
 * fauxqs answers every receive waiting on a queue when a message is put on it (its store's
 * `notifyWaiters`, fauxqs 2.4.1 dist/sqs/sqsStore.js, called by its enqueue); the first takes up
 * to 10, the others find nothing, return empty and poll again: GetQueueAttributes and
 * ReceiveMessage each. Meanwhile none waits: a message put then stays until a receive comes.
 */
export const EMPTY_POLL_CALLS = 2;

/** Most messages one ReceiveMessage returns (SQS's limit, local/event-source.ts SQS_BATCH_MAX). */
const RECEIVE_MAX = 10;
/**
 * fauxqs makes a message whose delay or visibility timeout is over receivable only when it looks
 * (its store's `processTimers`): at a receive's dequeue, and every 20 ms while a receive waits
 * (`startPollTimerIfNeeded`: `setInterval(…, 20)`, started by the first receive to wait, stopped
 * when none waits; fauxqs 2.4.1 dist/sqs/sqsStore.js). The messages due since its last look come
 * back together and wake every waiting receive: the trial gate's 1 s deferrals return in clumps
 * of up to 10 a receive (burst-hang's moves to the slow lane, docs/scale.md "Calibration").
 */
export const FAUXQS_TIMER_MS = 20;

/** "beside": work no call waits for (V8's workers, the JVM's compiler), on a core. */
type Lane = "node" | "dynamodb" | "fauxqs" | "beside";
/** One queue's local pollers: how many, how many are not waiting on a long poll, and of those how many poll again. */
interface Pollers {
  count: number;
  busy: number;
  repolling: number;
  /** A poller is waiting on its long poll again: it takes what is visible. */
  waiting?: () => void;
  /** When fauxqs's timer started (a receive began to wait when none did); unset while none waits. */
  timerFrom?: number;
  /** The timer's next look that shows messages, and how many it shows. */
  look?: { at: number; shown: number };
}
type Command = { input: unknown; constructor: { name: string } };
type Client = { send(command: Command): Promise<unknown> };

export class LocalMachine {
  /** When each core is next free (virtual ms). */
  private cores: number[] = Array.from({ length: MACHINE_CORES }, () => 0);
  /** When the Node process's event loop is next free. */
  private loopFree = 0;
  /** Each queue's local pollers, and how many are running an invocation. */
  private queues = new Map<string, Pollers>();

  constructor(
    private engine: Engine,
    readonly cpu: CallCpu = CPU_WARM,
  ) {}

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

  /**
   * The local pollers of one queue (`count` of them): the event source mapping's hook around
   * each invocation (sim/aws/lambda.ts `pollerCalls`), which also tells which pollers are idle.
   */
  pollers(
    queue: string,
    count: number,
    batchSize = RECEIVE_MAX,
  ): (phase: "before" | "after", records: number, more?: (max: number) => number) => Promise<void> {
    // Their long polls start waiting with the stack, and fauxqs's timer with them.
    const p: Pollers = { count, busy: 0, repolling: 0, timerFrom: this.engine.t };
    this.queues.set(queue, p);
    return async (phase, records, more = () => 0) => {
      if (phase === "before") {
        p.busy++;
        if (p.busy >= p.count) p.timerFrom = undefined; // none waits: fauxqs's timer stops
        // Its batch's further receives, before the handler starts (local/event-source.ts
        // receive()): above 10 (the delivery lane's batches of 20) a full receive asks again,
        // taking what is visible when it reaches fauxqs (`more`: a send put meanwhile is in it),
        // and a short answer ends the batch. 10 records, nothing more put: one empty receive.
        let last = records;
        for (let n = records; last === RECEIVE_MAX && n < batchSize; n += last)
          last = await this.call("fauxqs", async () => more(Math.min(RECEIVE_MAX, batchSize - n)));
        return;
      }
      for (let i = 0; i < POLLER_CALLS; i++) await this.call("fauxqs", async () => undefined);
      this.backToWait(p);
    };
  }

  /** A poller ends its invocation or its poll for nothing: it waits on its long poll (or takes what is there). */
  private backToWait(p: Pollers): void {
    p.busy--;
    p.timerFrom ??= this.engine.t;
  }

  /**
   * When a message of the queue whose delay or timeout ends at `at` is receivable (SimQueue
   * `revealAt`): at once when no receive waits (the next receive's own look finds it), else at
   * the timer's next look, which wakes every waiting poller: as many as the messages shown fill
   * (10 each) take them, the others poll again. Decided when its delay ends.
   */
  private revealAt(p: Pollers, at: number): number {
    if (p.timerFrom === undefined || p.busy >= p.count) return at;
    const look = p.timerFrom + Math.ceil((at - p.timerFrom) / FAUXQS_TIMER_MS) * FAUXQS_TIMER_MS;
    if (p.look?.at === look) p.look.shown++;
    else {
      const shown = { at: look, shown: 1 };
      p.look = shown;
      // Before the messages it shows are visible (scheduled first): the pump finds the takers only.
      this.engine.at(look, () => {
        this.repoll(p, p.count - p.busy - Math.ceil(shown.shown / RECEIVE_MAX));
        p.timerFrom = undefined;
      });
    }
    return look;
  }

  /**
   * A queue's local pollers as its event source sees them (sim/aws/lambda.ts `pollerCalls`,
   * `localReceive`): their calls around each invocation (`pollers`), at most 10 records a
   * receive, and the pollers polling again after a wake for nothing, not waiting meanwhile: a
   * message put then waits for a receive. The queue's `onVisible` hears each come back to its
   * long poll; its `revealAt` is set to fauxqs's looks.
   */
  eventSource(
    url: string,
    settings: { maxConcurrency: number; batchSize: number },
    queue: { onVisible?: () => void; revealAt?: (at: number) => number },
  ) {
    const pollerCalls = this.pollers(url, settings.maxConcurrency, settings.batchSize);
    const p = this.queues.get(url)!;
    p.waiting = () => queue.onVisible?.();
    queue.revealAt = (at: number) => this.revealAt(p, at);
    return { pollerCalls, localReceive: { max: RECEIVE_MAX, repolling: () => p.repolling } };
  }

  /** A message put on a queue (not delayed) wakes its idle pollers: all but one poll again. */
  private wake(command: Command): void {
    const name = command.constructor.name;
    if (name !== "SendMessageBatchCommand" && name !== "SendMessageCommand") return;
    const input = command.input as {
      QueueUrl?: string;
      DelaySeconds?: number;
      Entries?: { DelaySeconds?: number }[];
    };
    const visible = input.Entries ? input.Entries.some((e) => !e.DelaySeconds) : !input.DelaySeconds;
    const p = this.queues.get(String(input.QueueUrl));
    if (!visible || !p) return;
    this.repoll(p, p.count - p.busy - 1);
    p.timerFrom = undefined; // every waiting receive answered: fauxqs's timer stops
  }

  /** `n` waiting pollers woken for nothing poll again; not waiting meanwhile: a message put then does not wake them. */
  private repoll(p: Pollers, n: number): void {
    for (let i = 0; i < n; i++) {
      p.busy++;
      p.repolling++;
      void (async () => {
        for (let c = 0; c < EMPTY_POLL_CALLS; c++) await this.call("fauxqs", async () => undefined);
        p.repolling--;
        this.backToWait(p);
        p.waiting?.();
      })();
    }
  }

  /** A client whose calls take the machine's CPU: the Node process's, then the emulator's. */
  client<T extends Client>(inner: T, emulator: "dynamodb" | "fauxqs"): T {
    const send = async (command: Command) => {
      // fauxqs wakes the waiting receives when the message is put (its enqueue's notifyWaiters),
      // not when the sender reads its answer.
      return this.call(emulator, () => {
        const out = inner.send(command);
        if (emulator === "fauxqs") this.wake(command);
        return out;
      });
    };
    return { ...inner, send };
  }

  private async call<R>(emulator: "dynamodb" | "fauxqs", answer: () => Promise<R>): Promise<R> {
    const cpu = this.cpu;
    await this.run("node", cpu.nodeLoop);
    const out = answer();
    // The answer (or the error) no sooner than the emulator's CPU work on the call's path is
    // done, and read on the one event loop after the work queued there meanwhile (as a webhook's
    // answer, onLoop). The threads no call waits for take a core meanwhile, reserved after it.
    const done = this.run(emulator, emulator === "dynamodb" ? cpu.dynamodb : cpu.fauxqs);
    void this.run("beside", cpu.nodeWorkers + (emulator === "dynamodb" ? cpu.dynamodbJit : 0));
    await Promise.allSettled([out, done]);
    await this.run("node", 0);
    return out;
  }
}

/**
 * A webhook request (the production sender's) on the local machine, if there is one: its answer
 * (or its error) is read on the stack's one event loop, so it comes after the work queued there.
 * Measured on the local stack (burst-healthy, sim/calibration/local-side.ts, load 33): a trial
 * request to the benchmark receiver, which answers at once, took 217-296 ms from its send to the
 * gate's note of its answer, a third of its trial (806 ms from the gate's first look); in the
 * simulation it took 1 ms. No CPU is charged for the request here: the process's CPU over a
 * burst, requests included, is in CallCpu.nodeLoop (divided by the SDK calls).
 */
export function onLoop<A, R>(machine: LocalMachine | undefined, send: (a: A) => Promise<R>) {
  // Off the machine, the sender as it was called before (no extra turn of the microtask queue).
  if (!machine) return (a: A) => send(a);
  return async (a: A): Promise<R> => {
    try {
      return await send(a);
    } finally {
      await machine.run("node", 0);
    }
  };
}
