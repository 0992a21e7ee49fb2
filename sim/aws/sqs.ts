/**
 * SQS standard queues, as the production code and the Lambda event source see them: a
 * stand-in for the SQS client's `send(command)` plus the receive the event source makes.
 *
 * Documented quotas and behaviours modelled (Amazon SQS Developer Guide, "Quotas"):
 * - visibility timeout: a received message is hidden for the queue's timeout, or what
 *   ChangeMessageVisibility sets (0-43,200 s), then comes back with its receive count + 1;
 * - `DelaySeconds` 0-900 per message: a delayed message is neither visible nor in flight;
 * - ~120,000 in-flight messages per standard queue: beyond it a (long-polling) receive
 *   returns nothing, without an error;
 * - messages up to 1 MiB (body plus attributes); larger entries fail in SendMessageBatch;
 * - retention (the queue's setting, at most 14 days): an older message is deleted unseen;
 * - redrive: a message received more than `maxReceiveCount` times moves to the DLQ;
 * - every request bills per 64 KB chunk of its payload ("SQS pricing").
 * Latency: 5-15 ms per call. Receive order is by visible time (standard queues promise no
 * order; "best-effort ordering").
 */
import type { QueueSettings } from "../../core/config/index.js";
import type { Engine } from "../engine.js";
import type { Meter } from "./meter.js";

export const SQS_IN_FLIGHT_CAP = 120_000;
export const SQS_MAX_MESSAGE_BYTES = 1_048_576;

export interface SimMessage {
  id: string;
  body: string;
  /** How many real messages this one stands for (its organization's cohort size). */
  k: number;
  sentAt: number;
  visibleAt: number;
  receiveCount: number;
  firstReceiveAt?: number;
  handle: string;
  state: "waiting" | "inflight" | "gone";
  version: number;
  attributes?: Record<string, unknown>;
}

export class SimQueue {
  /** Visible messages, oldest first (a message joins when its delay or timeout ends). */
  private ready: SimMessage[] = [];
  private head = 0;
  readonly byHandle = new Map<string, SimMessage>();
  /** Real messages received and not yet deleted (what the cap counts). */
  inFlight = 0;
  /** Real messages stored (visible, delayed or in flight). */
  stored = 0;
  /** Told when a message becomes visible (the event source's poller wakes up). */
  onVisible?: () => void;
  dlq?: SimQueue;

  constructor(
    readonly url: string,
    readonly settings: Pick<
      QueueSettings,
      "visibilityTimeoutSeconds" | "retentionSeconds" | "maxReceiveCount"
    >,
    private engine: Engine,
    private meter: Meter,
  ) {}

  /** Visible messages now, and since when the oldest of them is visible. */
  get visible(): number {
    return this.ready.length - this.head;
  }
  /** Real messages visible now. */
  visibleWeight = 0;
  get oldestVisibleAt(): number | undefined {
    return this.ready[this.head]?.visibleAt;
  }

  private wait(m: SimMessage, at: number): void {
    const v = ++m.version;
    m.visibleAt = at;
    m.state = "waiting";
    this.engine.at(at, () => {
      if (m.version !== v || m.state !== "waiting") return;
      this.ready.push(m);
      this.visibleWeight += m.k;
      this.onVisible?.();
    });
  }

  put(
    m: Omit<SimMessage, "visibleAt" | "receiveCount" | "handle" | "state" | "version">,
    delayMs: number,
  ): void {
    const msg: SimMessage = {
      ...m,
      visibleAt: 0,
      receiveCount: 0,
      handle: `${m.id}:0`,
      state: "waiting",
      version: 0,
    };
    this.stored += msg.k;
    this.meter.max(`stored:${this.url}`, this.stored);
    this.wait(msg, this.engine.t + delayMs);
  }

  /** Messages visible now, at most `max`, up to `weight` real messages in total. */
  receive(max: number, weight = Number.POSITIVE_INFINITY): SimMessage[] {
    const out: SimMessage[] = [];
    let taken = 0;
    while (out.length < max && this.inFlight < SQS_IN_FLIGHT_CAP && this.head < this.ready.length) {
      const m = this.ready[this.head]!;
      if (out.length > 0 && taken + m.k > weight) break;
      this.head++;
      this.visibleWeight -= m.k;
      if (this.head > 4096 && this.head * 2 > this.ready.length) {
        this.ready = this.ready.slice(this.head);
        this.head = 0;
      }
      if (this.engine.t - m.sentAt > this.settings.retentionSeconds * 1000) {
        this.drop(m);
        this.meter.count("lost_to_retention", m.k);
        continue;
      }
      m.receiveCount++;
      if (m.receiveCount > this.settings.maxReceiveCount && this.dlq) {
        this.drop(m);
        this.dlq.put({ ...m, sentAt: this.engine.t }, 0);
        this.meter.count(`redriven:${this.url}`, m.k);
        continue;
      }
      m.firstReceiveAt ??= this.engine.t;
      m.state = "inflight";
      m.version++;
      m.handle = `${m.id}:${m.receiveCount}`;
      this.byHandle.set(m.handle, m);
      this.inFlight += m.k;
      this.meter.max(`in_flight:${this.url}`, this.inFlight);
      taken += m.k;
      out.push(m);
      // Back after the visibility timeout unless deleted or changed first.
      this.hide(m, this.settings.visibilityTimeoutSeconds);
    }
    if (this.inFlight >= SQS_IN_FLIGHT_CAP) this.meter.count(`receives_at_cap:${this.url}`);
    return out;
  }

  private hide(m: SimMessage, seconds: number): void {
    const v = ++m.version;
    const at = this.engine.t + seconds * 1000;
    m.visibleAt = at;
    this.engine.at(at, () => {
      if (m.version !== v || m.state !== "inflight") return;
      this.release(m);
      this.wait(m, at);
    });
  }

  private release(m: SimMessage): void {
    if (m.state === "inflight") this.inFlight -= m.k;
    this.byHandle.delete(m.handle);
  }

  private drop(m: SimMessage): void {
    this.release(m);
    m.state = "gone";
    m.version++;
    this.stored -= m.k;
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
    if (seconds === 0) {
      this.release(m);
      this.wait(m, this.engine.t);
    } else this.hide(m, seconds);
    return true;
  }
}

type Input = Record<string, unknown>;
type Entry = {
  Id: string;
  MessageBody?: string;
  DelaySeconds?: number;
  ReceiptHandle?: string;
  VisibilityTimeout?: number;
  MessageAttributes?: Record<string, unknown>;
};

export class SqsModel {
  readonly queues = new Map<string, SimQueue>();
  private seq = 0;

  constructor(
    private engine: Engine,
    private meter: Meter,
    /** The cohort size of a message body (its organization's). */
    private weightOf: (body: string) => number,
  ) {}

  queue(url: string, settings: SimQueue["settings"]): SimQueue {
    const q = new SimQueue(url, settings, this.engine, this.meter);
    this.queues.set(url, q);
    return q;
  }

  private q(url: unknown): SimQueue {
    const q = this.queues.get(String(url));
    if (!q) throw new Error(`no simulated queue ${String(url)}`);
    return q;
  }

  /** The SQS client's `send`, as the production queue module calls it. */
  readonly client = {
    send: (command: { input: unknown; constructor: { name: string } }) => this.send(command),
  };

  private bill(bytes: number, k: number): void {
    this.meter.count("sqs_requests", Math.max(1, Math.ceil(bytes / 65_536)) * k);
  }

  enqueue(url: string, body: string, delaySeconds = 0, attributes?: Record<string, unknown>): boolean {
    if (Buffer.byteLength(body) > SQS_MAX_MESSAGE_BYTES) return false;
    const k = this.weightOf(body);
    this.bill(body.length, k);
    const id = `m${(this.seq++).toString(36).padStart(8, "0")}`;
    this.q(url).put({ id, body, k, sentAt: this.engine.t, attributes }, Math.min(900, delaySeconds) * 1000);
    return true;
  }

  async send(command: { input: unknown; constructor: { name: string } }): Promise<unknown> {
    const input = command.input as Input;
    await this.engine.sleep(5 + this.engine.random() * 10);
    switch (command.constructor.name) {
      case "SendMessageCommand":
        if (
          !this.enqueue(String(input.QueueUrl), String(input.MessageBody), Number(input.DelaySeconds ?? 0))
        ) {
          throw Object.assign(new Error("message too long"), { name: "InvalidParameterValue" });
        }
        return { MessageId: `sim-${this.seq}` };
      case "SendMessageBatchCommand":
        return this.each(input, (e) =>
          this.enqueue(String(input.QueueUrl), e.MessageBody!, e.DelaySeconds ?? 0, e.MessageAttributes),
        );
      case "ChangeMessageVisibilityBatchCommand":
        return this.each(input, (e) =>
          this.q(input.QueueUrl).changeVisibility(e.ReceiptHandle!, e.VisibilityTimeout!),
        );
      case "DeleteMessageBatchCommand":
        return this.each(input, (e) => this.q(input.QueueUrl).delete(e.ReceiptHandle!));
      case "DeleteMessageCommand":
        this.q(input.QueueUrl).delete(String(input.ReceiptHandle));
        return {};
      default:
        throw new Error(`the SQS model has no ${command.constructor.name}`);
    }
  }

  private each(input: Input, fn: (e: Entry) => boolean) {
    const Successful: { Id: string }[] = [];
    const Failed: { Id: string; Code: string; SenderFault: boolean }[] = [];
    for (const e of input.Entries as Entry[]) {
      if (fn(e)) Successful.push({ Id: e.Id });
      else Failed.push({ Id: e.Id, Code: "Refused", SenderFault: true });
    }
    return { Successful, Failed };
  }
}
