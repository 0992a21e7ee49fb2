/**
 * SQS standard queues, as the production code and the Lambda event source see them: a stand-in for
 * the SQS client's `send(command)` plus the receive the event source makes.
 *
 * Documented quotas and behaviours modelled (Amazon SQS Developer Guide, "Quotas"):
 * - visibility timeout: a received message is hidden for the queue's timeout, or what
 *   ChangeMessageVisibility sets (0-43,200 s), then comes back with its receive count + 1;
 * - `DelaySeconds` 0-900 per message: a delayed message is neither visible nor in flight;
 * - ~120,000 in-flight messages per standard queue: beyond it a (long-polling) receive returns nothing;
 * - messages up to 1 MiB (body plus attributes); larger entries fail in SendMessageBatch;
 * - retention (the queue's setting, at most 14 days): an older message is deleted unseen;
 * - redrive: a message received more than `maxReceiveCount` times moves to the DLQ;
 * - every request bills per 64 KB chunk of its payload ("SQS pricing").
 * - fair queues: messages carrying a `MessageGroupId` (the tenant) are received quiet tenants first
 *   when one tenant holds a disproportionate share of those in flight (sqs-fair.ts).
 * Latency: 5-15 ms per call. Receive order is otherwise by visible time (standard queues promise no
 * order; "best-effort ordering"). */
import type { QueueSettings } from "../../core/config/index.js";
import type { Engine } from "../engine.js";
import { InFlightGauge } from "./in-flight.js";
import type { Meter } from "./meter.js";
import { FairReady } from "./sqs-fair.js";

export const SQS_IN_FLIGHT_CAP = 120_000;
export const SQS_MAX_MESSAGE_BYTES = 1_048_576;

export interface SimMessage {
  id: string;
  body: string;
  /** How many real messages this one stands for (its organization's cohort size). */
  k: number;
  sentAt: number;
  visibleAt: number;
  /** When it last became receivable (what its event source's wait counts from: queue-wait.ts). */
  readyAt?: number;
  receiveCount: number;
  firstReceiveAt?: number;
  handle: string;
  state: "waiting" | "inflight" | "gone";
  version: number;
  attributes?: Record<string, unknown>;
  /** The message group: a FIFO queue's (sqs-fifo.ts), or a standard queue's fair-queue tenant. */
  groupId?: string;
  dedupId?: string;
  /** In flight: the real messages of it counted (k, or less: `shareInFlight`); in an invocation (in-flight.ts). */
  counted?: number;
  processing?: boolean;
}

export type NewMessage = Omit<SimMessage, "visibleAt" | "receiveCount" | "handle" | "state" | "version">;

/** What the event source (lambda.ts) and the API see of a queue, standard or FIFO. */
export interface ModelQueue {
  readonly url: string;
  /** Told when a message becomes receivable (the event source's poller wakes up). */
  onVisible?: () => void;
  /** When a message whose delay or visibility timeout ends at `at` is receivable: then on SQS; the
   * calibration's fauxqs looks on a 20 ms timer (sim/calibration/local-machine.ts `revealAt`). */
  revealAt?: (at: number) => number;
  /** Nonzero when a receive would return something. */
  readonly visible: number;
  /** Real messages receivable now. */
  readonly visibleWeight: number;
  readonly oldestVisibleAt: number | undefined;
  inFlight: number;
  stored: number;
  dlq?: ModelQueue;
  /** False when the queue refuses the message. */
  put(m: NewMessage, delayMs: number): boolean;
  /** The messages stored (visible, delayed or in flight): what the queue still holds. */
  messages(): Iterable<SimMessage>;
  receive(max: number, weight?: number): SimMessage[];
  /** Counts only `share` of these messages, just received, in flight (SimQueue.shareInFlight). */
  shareInFlight?(batch: SimMessage[], share: number): void;
  /** The most real messages its event source's invocations hold at a time (units × batch size). */
  processingCap?: () => number;
  /** The invocation of these receipts ended: those not deleted wait for their visibility timeout. */
  ended?(handles: string[]): void;
  delete(handle: string): boolean;
  changeVisibility(handle: string, seconds: number): boolean;
}

export class SimQueue implements ModelQueue {
  /** Visible messages, in the order a receive takes them (a message joins when its delay or timeout ends). */
  private ready = new FairReady();
  readonly byHandle = new Map<string, SimMessage>();
  /** Every message stored, whatever its state (the run's end reads what is still held: sim/lost.ts). */
  private readonly held = new Set<SimMessage>();
  /** Real messages received and not yet deleted, as cohorts let them be read (in-flight.ts). */
  private gauge: InFlightGauge;
  /** Real messages stored (visible, delayed or in flight). */
  stored = 0;
  /** Told when a message becomes visible (the event source's poller wakes up). */
  onVisible?: () => void;
  revealAt?: (at: number) => number;
  dlq?: ModelQueue;
  processingCap?: () => number;

  constructor(
    readonly url: string,
    readonly settings: Pick<
      QueueSettings,
      "visibilityTimeoutSeconds" | "retentionSeconds" | "maxReceiveCount"
    >,
    private engine: Engine,
    readonly meter: Meter,
  ) {
    this.gauge = new InFlightGauge(
      engine,
      () => meter.weights.intervalMs?.() ?? 0,
      (average) => meter.max(`in_flight:${url}`, average),
      () => this.processingCap?.() ?? Number.POSITIVE_INFINITY,
    );
  }

  /** Real messages in flight (what the cap counts): the average over the last cohort interval. */
  get inFlight(): number {
    return this.gauge.average;
  }

  /** Visible messages now, and since when the oldest of them is visible. */
  get visible(): number {
    return this.ready.count;
  }
  /** Real messages visible now. */
  visibleWeight = 0;
  get oldestVisibleAt(): number | undefined {
    return this.ready.oldestVisibleAt;
  }

  /** `timed`: its delay or visibility timeout ends at `at` (receivable then, or at `revealAt`'s answer). */
  private wait(m: SimMessage, at: number, timed = false): void {
    const v = ++m.version;
    m.visibleAt = at;
    m.state = "waiting";
    this.engine.at(at, () => {
      if (m.version !== v || m.state !== "waiting") return;
      const shown = timed && this.revealAt ? this.revealAt(at) : at;
      if (shown > at) return this.wait(m, shown);
      m.readyAt = at;
      this.ready.push(m);
      this.visibleWeight += m.k;
      this.onVisible?.();
    });
  }

  put(m: NewMessage, delayMs: number): boolean {
    const msg: SimMessage = {
      ...m,
      visibleAt: 0,
      receiveCount: 0,
      handle: `${m.id}:0`,
      state: "waiting",
      version: 0,
    };
    this.stored += msg.k;
    this.held.add(msg);
    this.meter.max(`stored:${this.url}`, this.stored);
    this.ready.sent(msg, this.engine.t);
    this.wait(msg, this.engine.t + delayMs, delayMs > 0);
    return true;
  }

  messages(): Iterable<SimMessage> {
    return this.held;
  }

  /** Messages visible now, at most `max`, up to `weight` real messages in total. */
  receive(max: number, weight = Number.POSITIVE_INFINITY): SimMessage[] {
    const out: SimMessage[] = [];
    let taken = 0;
    const atCap = () => this.gauge.average >= SQS_IN_FLIGHT_CAP;
    while (out.length < max && !atCap()) {
      const m = this.ready.next(this.engine.t);
      if (m === undefined || (out.length > 0 && taken + m.k > weight)) break;
      this.ready.take();
      this.visibleWeight -= m.k;
      if (leavesOnReceive(m, this.engine.t, this, (gone) => this.drop(gone))) continue;
      m.version++;
      this.byHandle.set(m.handle!, m);
      m.counted = m.k;
      m.processing = true;
      this.gauge.add(m.k, true);
      this.ready.flying(m, m.k);
      this.meter.max(`in_flight_instant:${this.url}`, this.gauge.now);
      taken += m.k;
      out.push(m);
      // Back after the visibility timeout unless deleted or changed first.
      this.hide(m, this.settings.visibilityTimeoutSeconds);
    }
    if (atCap()) this.meter.count(`receives_at_cap:${this.url}`);
    return out;
  }

  /** Counts `share` (0-1) of these messages, just received, in flight: a cohort received with fewer units
   * free than its real invocations need (sim/aws/lambda.ts), whose k real messages are received as those
   * units free up; on AWS the rest wait visible (the pollers receive only the batches the mapping invokes). */
  shareInFlight(batch: SimMessage[], share: number): void {
    for (const m of batch) {
      if (m.state !== "inflight" || m.counted === undefined) continue;
      const counted = m.k * Math.min(1, Math.max(0, share));
      this.gauge.add(counted - m.counted, m.processing);
      m.counted = counted;
    }
  }

  ended(handles: string[]): void {
    for (const handle of handles) this.settle(this.byHandle.get(handle));
  }

  /** A message in flight leaves its invocation: still in flight, no longer in processing. */
  private settle(m: SimMessage | undefined): void {
    if (m?.state !== "inflight" || !m.processing) return;
    this.gauge.settle(m.counted ?? m.k);
    m.processing = false;
  }

  private hide(m: SimMessage, seconds: number): void {
    const v = ++m.version;
    const at = this.engine.t + seconds * 1000;
    m.visibleAt = at;
    this.engine.at(at, () => {
      if (m.version !== v || m.state !== "inflight") return;
      this.release(m);
      this.wait(m, at, true);
    });
  }

  private release(m: SimMessage): void {
    if (m.state === "inflight") {
      this.gauge.add(-(m.counted ?? m.k), m.processing);
      m.counted = undefined;
      m.processing = false;
      this.ready.flying(m, -m.k);
    }
    this.byHandle.delete(m.handle);
  }

  private drop(m: SimMessage): void {
    this.release(m);
    m.state = "gone";
    m.version++;
    this.stored -= m.k;
    this.held.delete(m);
  }

  delete(handle: string): boolean {
    const m = this.byHandle.get(handle);
    if (!m) return false;
    this.drop(m);
    return true;
  }

  changeVisibility(handle: string, seconds: number): boolean {
    const m = this.byHandle.get(handle);
    if (m?.state !== "inflight") return false;
    this.settle(m);
    if (seconds === 0) {
      this.release(m);
      this.wait(m, this.engine.t);
    } else this.hide(m, seconds);
    return true;
  }
}

/** The queue's part `leavesOnReceive` reads: what a receive does is the same for both queue kinds. */
interface ReceiveRules {
  readonly url: string;
  readonly settings: Pick<QueueSettings, "retentionSeconds" | "maxReceiveCount">;
  dlq?: ModelQueue;
  readonly meter: Meter;
}

/** What SQS does to a message a receive reaches, for standard and FIFO queues alike: past the retention
 * period it is gone; past `maxReceiveCount` it moves to the dead-letter queue (true: the message left
 * the queue). Otherwise it is counted as received and given a handle. */
export function leavesOnReceive(
  m: SimMessage,
  now: number,
  q: ReceiveRules,
  drop: (m: SimMessage) => void,
): boolean {
  if (now - m.sentAt > q.settings.retentionSeconds * 1000) {
    drop(m);
    q.meter.count("lost_to_retention", m.k);
    q.meter.count(`lost_to_retention:${q.url}`, m.k);
    return true;
  }
  m.receiveCount++;
  if (m.receiveCount > q.settings.maxReceiveCount && q.dlq) {
    drop(m);
    q.dlq.put({ ...m, sentAt: now }, 0);
    q.meter.count(`redriven:${q.url}`, m.k);
    return true;
  }
  m.firstReceiveAt ??= now;
  m.state = "inflight";
  m.handle = `${m.id}:${m.receiveCount}`;
  return false;
}
