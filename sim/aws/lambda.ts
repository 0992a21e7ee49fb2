/**
 * Lambda behind an SQS event source mapping, as the handlers see it: batches of records,
 * partial batch responses, concurrency limits.
 *
 * Documented quotas and behaviours modelled (AWS Lambda Developer Guide, "Using Lambda with
 * Amazon SQS", "Lambda quotas"):
 * - `batchSize` records per invocation (≤ 10 without a batching window), and the batching
 *   window: a poller waits up to `maximumBatchingWindowInSeconds` to fill a batch;
 * - `maximumConcurrency` per mapping (2-1,000), and the account's concurrency (1,000 by
 *   default) shared by every function of the region;
 * - scaling: the event source starts with 5 concurrent invocations and adds up to 300 per
 *   minute while messages wait;
 * - partial batch response: records named in `batchItemFailures` stay on the queue (back after
 *   their visibility timeout), the others are deleted; a handler that throws, or runs past
 *   the function timeout, leaves the whole batch;
 * - a new instance starts cold (~250 ms here, docs/cost.md measures ~200-400 ms), unless the
 *   mapping starts warm (a service already scaled up); each instance has its own per-process
 *   state (caches), as on Lambda.
 * Cohorts: an invocation of records standing for Σk real messages stands for Σk / batchSize
 * real invocations, which start as the real messages arrive, over the cohort interval; it takes
 * the units they use at a time, and if fewer are free it takes those and keeps them
 * proportionally longer (a fluid model of the same throughput: it used to hold all its units
 * for the longer time too, which cut a saturated mapping's throughput and let its concurrency
 * pass its maximum; and to take them all at once, docs/scale.md "Cohorts"). The records'
 * outcome (deleted, or left for their retry) is applied when one real invocation ends, never
 * later because of k: the real messages wait visible for a free unit, each in flight for one
 * invocation (at the longer time's end, dead-endpoint-3d's batches came back: 42 M duplicates).
 * A real invocation holds a full batch of real records and ends after its slowest request: a
 * mapping given a `tail` draws those (batch-tail.ts), so units are held as long as a full batch's.
 */
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { type Engine, SIM_EPOCH_MS } from "../engine.js";
import type { Meter } from "./meter.js";
import { QueueWaits } from "./queue-wait.js";
import type { ModelQueue, SimMessage } from "./sqs.js";
import { FifoQueue } from "./sqs-fifo.js";

export const ACCOUNT_CONCURRENCY = 1_000;
const INITIAL_CONCURRENCY = 5;
const SCALE_UP_PER_SECOND = 300 / 60;
const COLD_START_MS = 250;
const INVOKE_OVERHEAD_MS = 15;
/** The weight of each invocation's time in the running average (about the last 20). */
const TOOK_WEIGHT = 0.05;

export interface MappingSettings {
  batchSize: number;
  batchWindowSeconds: number;
  maxConcurrency: number;
  /** Already scaled up (a service that has been running): start at maxConcurrency. */
  warm?: boolean;
  timeoutSeconds: number;
  memoryMb: number;
  /**
   * The poller's own calls around each invocation, when they take time: the local stack's
   * (the calibration's local machine, sim/calibration/local-machine.ts); none on Lambda. Before
   * the handler, `more(max)` takes up to `max` more visible records into the batch (a further
   * receive) and says how many.
   */
  pollerCalls?: (phase: "before" | "after", records: number, more?: (max: number) => number) => Promise<void>;
  /**
   * The local pollers' receives (the calibration's local machine): the most records a poller's
   * first receive takes (the rest of its batch from further receives, `more` above, each taking
   * what is visible then), and how many of its `maxConcurrency` pollers are not waiting on a
   * receive now (polling again after the emulator woke them for nothing). Unset on Lambda: a
   * whole batch at once.
   */
  localReceive?: { max: number; repolling(): number };
  /** Lambda's own time per invocation (15 ms); the local stack's pollers call the handler in-process: 0. */
  invokeOverheadMs?: number;
  /** The real batch's requests beyond the simulated ones (the delivery lanes': sim/aws/batch-tail.ts). */
  tail?: Tail;
}

export type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

/** A real batch's requests beyond the simulated ones (batch-tail.ts), by record; `members`: queue-wait.ts. */
export interface Tail {
  open(batch: SimMessage[], draws: number, members: number[][]): void;
  /** The handler returned: the ms its real batches wait longer. */
  close(batch: SimMessage[]): number;
}

/** The region's concurrency, shared by every function. */
export class Account {
  used = 0;
  constructor(readonly limit = ACCOUNT_CONCURRENCY) {}
}

export class EventSourceMapping {
  private running = 0;
  private allowed = INITIAL_CONCURRENCY;
  private idle: SqsHandler[] = [];
  private pumpAt: number | undefined;
  /** A real invocation's time (ms), averaged over the last ones: what a cohort's units are sized on. */
  private tookMs = 0;
  readonly waits: QueueWaits; // what messages waited for a unit: members' waits (queue-wait.ts)

  constructor(
    readonly name: string,
    private engine: Engine,
    private meter: Meter,
    private account: Account,
    private queue: ModelQueue,
    private settings: MappingSettings,
    private newInstance: () => SqsHandler,
  ) {
    queue.onVisible = () => this.pumpSoon(this.engine.t);
    this.waits = new QueueWaits(queue, settings.batchWindowSeconds * 1000);
    queue.processingCap = () => Math.floor(this.allowed) * settings.batchSize; // in-flight.ts
    if (settings.warm) this.allowed = settings.maxConcurrency;
    this.scaleTick();
  }

  /** Adds 5 concurrent invocations a second while messages wait (300 a minute). */
  private scaleTick(): void {
    this.engine.after(1000, () => {
      if (this.queue.visible > 0 && this.running >= this.allowed - 1) {
        this.allowed = Math.min(this.settings.maxConcurrency, this.allowed + SCALE_UP_PER_SECOND);
      } else if (this.queue.visible === 0 && this.running < this.allowed / 2) {
        this.allowed = Math.max(INITIAL_CONCURRENCY, this.allowed - SCALE_UP_PER_SECOND);
      }
      this.pump();
      this.scaleTick();
    });
  }

  private pumpSoon(at: number): void {
    if (this.pumpAt !== undefined && this.pumpAt <= at) return;
    this.pumpAt = at;
    this.engine.at(at, () => {
      if (this.pumpAt === at) this.pumpAt = undefined;
      this.pump();
    });
  }

  private pump(): void {
    const { batchSize, batchWindowSeconds } = this.settings;
    for (;;) {
      const local = this.settings.localReceive;
      // Of the local pollers, those waiting on a receive now (not running, not polling again).
      const waiting = local ? this.settings.maxConcurrency - this.running - local.repolling() : Infinity;
      const free = Math.min(this.free(), waiting);
      if (free < 1 || this.queue.visible === 0) {
        if (free < 1 && this.queue.visible > 0) this.meter.count(`throttled_polls:${this.name}`);
        return;
      }
      const oldest = this.queue.oldestVisibleAt ?? this.engine.t;
      // The window waits for a full batch of real messages (a cohort may fill it alone).
      if (this.queue.visibleWeight < batchSize && oldest + batchWindowSeconds * 1000 > this.engine.t) {
        this.pumpSoon(oldest + batchWindowSeconds * 1000);
        return;
      }
      const batch = this.queue.receive(
        Math.min(batchSize, this.settings.localReceive?.max ?? batchSize),
        free * batchSize,
      );
      if (batch.length === 0) return;
      void this.invoke(batch, free);
    }
  }

  private async invoke(batch: SimMessage[], free: number): Promise<void> {
    const real = batch.reduce((n, m) => n + m.k, 0);
    const weight = Math.max(1, real / this.settings.batchSize);
    const interval = this.meter.weights.intervalMs?.() ?? 0;
    const held = this.hold(batch, weight, free, interval);
    const handles = batch.map((m) => m.handle);
    const start = this.engine.t;
    // Each record stands for this many of a real invocation's (its batch full of real records).
    const draws = Math.ceil(Math.min(this.settings.batchSize, real) / batch.length);
    const members = this.waits.batch(batch, start, draws, interval);
    let handler = this.idle.pop();
    if (!handler) {
      handler = this.newInstance();
      // A service already scaled up has its instances: only an event source starting cold pays.
      if (!this.settings.warm) {
        this.meter.count(`cold_starts:${this.name}`);
        await this.engine.sleep(COLD_START_MS);
      }
    }
    await this.engine.sleep(this.settings.invokeOverheadMs ?? INVOKE_OVERHEAD_MS);
    // Not even a microtask turn without it: the order of same-time events stays as it was.
    const more = (max: number) => {
      const got = this.queue.receive(max, max);
      batch.push(...got);
      return got.length;
    };
    if (this.settings.pollerCalls) await this.settings.pollerCalls("before", batch.length, more);
    const deadline = start + this.settings.timeoutSeconds * 1000;
    const tail = real > batch.length ? this.settings.tail : undefined;
    tail?.open(batch, draws, members);
    let failed: Set<string> | "all";
    try {
      const res = await handler(this.event(batch));
      failed = new Set((res?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch {
      failed = "all";
    }
    const lag = tail?.close(batch) ?? 0;
    if (lag > 0) await this.engine.sleep(Math.min(lag, Math.max(0, deadline - this.engine.t)));
    if (this.engine.t > deadline) failed = "all";
    if (this.settings.pollerCalls) await this.settings.pollerCalls("after", batch.length);
    // The records' fate is the real invocation's, at its real end: k real messages are
    // received a batch at a time as units free up, each in flight for one invocation, so no
    // record stays in flight past its visibility timeout (or its function's) because of k.
    for (const m of batch) if (failed !== "all" && !failed.has(m.id)) this.queue.delete(m.handle);
    this.queue.ended?.(handles);
    this.idle.push(handler);
    const took = this.engine.t - start;
    this.tookMs = this.tookMs === 0 ? took : this.tookMs + TOOK_WEIGHT * (took - this.tookMs);
    this.meter.count(`invocations:${this.name}`, weight);
    this.meter.count("lambda_gb_seconds", (took / 1000) * (this.settings.memoryMb / 1024) * weight);
    await this.spread((weight - held) * took, held, Math.max(interval, took));
  }

  /**
   * Takes the units a cohort's first invocation holds, and returns how many. Its real
   * invocations start as its real messages arrive, over the cohort interval: weight × took /
   * interval of them at a time (all of them when the interval is shorter than an invocation),
   * sized on the invocations' time so far. The units free, at most: a cohort never holds more
   * than the mapping (or the account) allows. Taking all `weight` at once made a mapping's use
   * lumpy as k grew (units in blocks of weight), and records waited for units a steady flow
   * leaves free: steady-10k's delivery queue wait, p95 353 ms at k 4,000 against 55 ms at k 400.
   */
  private hold(batch: SimMessage[], weight: number, free: number, interval: number): number {
    const atOnce = interval > this.tookMs ? (weight * this.tookMs) / interval : weight;
    const held = Math.min(weight, free, Math.max(1, atOnce));
    // Fewer free than that (a backlog the mapping drains at its maximum): its real messages are
    // received as those units can take them, held × batch in flight at a time, not k·w /
    // interval; the rest wait visible. On AWS the pollers read only the batches the mapping
    // invokes, at most its maximum concurrency at once ("Configuring scaling behavior for SQS
    // event source mappings"). Counted k, a backlog's cohorts read more in flight than the
    // mapping can hold: dead-endpoint-3d's wave after recovery, 61,744 (docs/scale.md, Cohorts).
    if (held < atOnce) this.queue.shareInFlight?.(batch, held / atOnce);
    this.take(held);
    return held;
  }

  /**
   * The rest of a cohort's work (unit-ms), done as its real messages arrive, one cohort
   * interval apart: spread over the interval on the units that takes (its traffic's real
   * concurrency; the rest's invocations at once when an invocation outlasts the interval), or,
   * when fewer are free, on the `held` units and those free, for longer. Then gives them back.
   * Taken in one block, it held every unit of the mapping while others waited.
   */
  private async spread(rest: number, held: number, overMs: number): Promise<void> {
    if (rest <= 0) return this.take(-held);
    const keep = Math.min(rest / overMs, held + Math.max(0, this.free()));
    this.take(keep - held);
    await this.engine.sleep(rest / keep);
    this.take(-keep);
  }

  /** Units this mapping may still take: its allowed concurrency, within the account's. */
  private free(): number {
    return (
      Math.min(Math.floor(this.allowed), this.account.limit - this.account.used + this.running) - this.running
    );
  }

  /** Takes units (gives them back when negative: the poller may then take them). */
  private take(units: number): void {
    this.running += units;
    this.account.used += units;
    this.waits.unitsFree(this.free() >= 1, this.engine.t, this.meter.weights.intervalMs?.() ?? 0);
    if (units < 0) this.pump();
    else {
      this.meter.max(`concurrency:${this.name}`, this.running);
      this.meter.max("account_concurrency", this.account.used);
    }
  }

  private event(batch: SimMessage[]): SQSEvent {
    return {
      Records: batch.map((m) => ({
        messageId: m.id,
        receiptHandle: m.handle,
        body: m.body,
        attributes: {
          ApproximateReceiveCount: String(m.receiveCount),
          SentTimestamp: String(SIM_EPOCH_MS + m.sentAt),
          SenderId: "sim",
          ApproximateFirstReceiveTimestamp: String(SIM_EPOCH_MS + (m.firstReceiveAt ?? this.engine.t)),
          // The record names its group, as Lambda's FIFO records do (sqs-fifo.ts); a standard
          // queue's names its fair-queue tenant only.
          ...(m.groupId === undefined ? {} : { MessageGroupId: m.groupId }),
          ...(m.groupId === undefined || !(this.queue instanceof FifoQueue)
            ? {}
            : { MessageDeduplicationId: m.dedupId ?? m.id, SequenceNumber: m.id }),
        },
        messageAttributes: {},
        md5OfBody: "",
        eventSource: "aws:sqs",
        eventSourceARN: `arn:aws:sqs:sim:0:${this.queue.url}`,
        awsRegion: "sim",
      })),
    };
  }
}
