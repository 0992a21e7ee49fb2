/**
 * The discrete-event engine: a virtual clock, a priority queue of timed callbacks, and a
 * seeded random source. The production code runs unchanged on top of it: every model (SQS,
 * Lambda, DynamoDB, the receivers) answers with a promise that resolves when the virtual
 * clock reaches the modelled latency, and `setTimeout` itself is virtual while a run lasts
 * (the store's backoffs, the sender's deadline), so no real time is ever waited. `Math.random`
 * is seeded while a run lasts too (the store's backoff jitter), so a seed gives the same
 * figures even where the production code draws its own numbers.
 *
 * After each callback the engine lets the microtask queue drain (one `setImmediate`, which
 * Node runs only once no promise reaction is pending) before it moves the clock: the code a
 * resolved promise resumes runs "at" the time it was resolved, as on a real machine with
 * infinitely fast CPUs.
 */

import { rng } from "../bench/rng.js";

/** Virtual epoch of every run: the figures never depend on the wall clock. */
export const SIM_EPOCH_MS = Date.UTC(2026, 0, 5, 0, 0, 0);

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled?: boolean;
}

/** A binary min-heap; the engine's orders timers on (at, seq), so same-time callbacks run FIFO. */
export class MinHeap<T> {
  private items: T[] = [];
  constructor(private readonly before: (x: T, y: T) => boolean) {}
  get size(): number {
    return this.items.length;
  }
  peek(): T | undefined {
    return this.items[0];
  }
  push(t: T): void {
    const a = this.items;
    a.push(t);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.before(a[l]!, a[m]!)) m = l;
        if (r < a.length && this.before(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

const before = (x: Timer, y: Timer) => x.at < y.at || (x.at === y.at && x.seq < y.seq);

const realSetImmediate = setImmediate;
const drain = () => new Promise<void>((r) => realSetImmediate(r));

export class Engine {
  /** Virtual milliseconds since SIM_EPOCH_MS. */
  t = 0;
  readonly random: () => number;
  /** `Math.random` during a run: a stream of its own, so the production code's draws never move the models'. */
  private readonly mathRandom: () => number;
  private heap = new MinHeap<Timer>(before);
  private seq = 0;
  /** Callbacks run (a measure of the work the run did). */
  steps = 0;

  constructor(seed: number) {
    this.random = rng(seed);
    this.mathRandom = rng(seed ^ 0x5eed);
  }

  /** The virtual wall clock, for `deps.now`. */
  readonly now = (): Date => new Date(SIM_EPOCH_MS + this.t);
  readonly nowMs = (): number => SIM_EPOCH_MS + this.t;

  at(t: number, fn: () => void): Timer {
    const timer: Timer = { at: Math.max(t, this.t), seq: this.seq++, fn };
    this.heap.push(timer);
    return timer;
  }

  after(ms: number, fn: () => void): Timer {
    return this.at(this.t + Math.max(0, ms), fn);
  }

  /** A promise that resolves `ms` virtual milliseconds from now. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve));
  }

  /**
   * Runs the clock until `work` settles, a minute of virtual time at a go, and returns its
   * value. With nothing scheduled, `work` waits on something real (a module the production
   * code imports lazily resolves through the loader, in real time): it gets a real turn of the
   * event loop and the clock stays put. Without that turn, awaiting `run()` on an empty heap
   * only ever queues microtasks, so the loader never answers and the clock spins on (the livelock
   * that kept `steady-10k` from finishing).
   */
  async settle<T>(work: Promise<T>): Promise<T> {
    let done = false;
    const out = work.finally(() => {
      done = true;
    });
    while (!done) {
      if (this.heap.size === 0) await drain();
      else await this.run(this.t + 60_000);
    }
    return out;
  }

  /** Runs every callback due up to `until` (virtual ms), then leaves the clock there. */
  async run(until: number): Promise<void> {
    const restore = this.virtualize();
    try {
      for (;;) {
        const next = this.heap.peek();
        if (!next || next.at > until) break;
        this.heap.pop();
        if (next.cancelled) continue;
        this.t = next.at;
        this.steps++;
        next.fn();
        await drain();
      }
      this.t = Math.max(this.t, until);
    } finally {
      restore();
    }
  }

  /**
   * While a run lasts, setTimeout/clearTimeout schedule on the virtual clock, Date.now reads it
   * and Math.random is seeded.
   */
  private virtualize(): () => void {
    const g = globalThis as unknown as Record<string, unknown>;
    const saved = { setTimeout: g.setTimeout, clearTimeout: g.clearTimeout };
    const savedRandom = Math.random;
    const savedNow = Date.now;
    Math.random = this.mathRandom;
    // Durations the production code measures itself (an attempt's latency, send.ts) are virtual too.
    Date.now = this.nowMs;
    g.setTimeout = (fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      const timer = this.after(ms ?? 0, () => fn(...args));
      return Object.assign(timer, { unref: () => timer, ref: () => timer, hasRef: () => false });
    };
    g.clearTimeout = (timer: unknown) => {
      if (timer && typeof timer === "object" && "seq" in timer) (timer as Timer).cancelled = true;
      else (saved.clearTimeout as (t: unknown) => void)(timer);
    };
    return () => {
      Object.assign(g, saved);
      Math.random = savedRandom;
      Date.now = savedNow;
    };
  }
}
