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
 * real invocations running side by side; it takes that many concurrency units, and if fewer
 * were free it takes those and lasts proportionally longer (a fluid model of the same
 * throughput: it used to hold all its units for the longer time too, which cut a saturated
 * mapping's throughput and let its concurrency pass its maximum).
 */
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { type Engine, SIM_EPOCH_MS } from "../engine.js";
import type { Meter } from "./meter.js";
import type { ModelQueue, SimMessage } from "./sqs.js";
import { FifoQueue } from "./sqs-fifo.js";

export const ACCOUNT_CONCURRENCY = 1_000;
const INITIAL_CONCURRENCY = 5;
const SCALE_UP_PER_SECOND = 300 / 60;
const COLD_START_MS = 250;
const INVOKE_OVERHEAD_MS = 15;

export interface MappingSettings {
  batchSize: number;
  batchWindowSeconds: number;
  maxConcurrency: number;
  /** Already scaled up (a service that has been running): start at maxConcurrency. */
  warm?: boolean;
  timeoutSeconds: number;
  memoryMb: number;
}

export type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

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
      const free =
        Math.min(Math.floor(this.allowed), this.account.limit - this.account.used + this.running) -
        this.running;
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
      const batch = this.queue.receive(batchSize, free * batchSize);
      if (batch.length === 0) return;
      void this.invoke(batch, free);
    }
  }

  private async invoke(batch: SimMessage[], free: number): Promise<void> {
    const weight = Math.max(1, batch.reduce((n, m) => n + m.k, 0) / this.settings.batchSize);
    // The units free, at most: a cohort never holds more than the mapping (or the account) allows.
    const held = Math.min(weight, free);
    this.running += held;
    this.account.used += held;
    this.meter.max(`concurrency:${this.name}`, this.running);
    this.meter.max("account_concurrency", this.account.used);
    const start = this.engine.t;
    let handler = this.idle.pop();
    if (!handler) {
      handler = this.newInstance();
      // A service already scaled up has its instances: only an event source starting cold pays.
      if (!this.settings.warm) {
        this.meter.count(`cold_starts:${this.name}`);
        await this.engine.sleep(COLD_START_MS);
      }
    }
    await this.engine.sleep(INVOKE_OVERHEAD_MS);
    const deadline = start + this.settings.timeoutSeconds * 1000;
    let failed: Set<string> | "all";
    try {
      const res = await handler(this.event(batch));
      failed = new Set((res?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch {
      failed = "all";
    }
    if (this.engine.t > deadline) failed = "all";
    // Fewer units free than the cohort needs: the same work takes proportionally longer on
    // the units it holds (weight × duration conserved, so the throughput is the same).
    await this.engine.sleep((this.engine.t - start) * (weight / held - 1));
    for (const m of batch) if (failed !== "all" && !failed.has(m.id)) this.queue.delete(m.handle);
    this.meter.count(`invocations:${this.name}`, weight);
    this.meter.count(
      "lambda_gb_seconds",
      ((this.engine.t - start) / 1000) * (this.settings.memoryMb / 1024) * held,
    );
    this.idle.push(handler);
    this.running -= held;
    this.account.used -= held;
    this.pump();
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
