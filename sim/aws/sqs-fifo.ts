/**
 * SQS FIFO queues (the ordered lane's, core/config/ordered.ts), beside the standard queue of
 * sqs.ts and seen through the same surface by the event source model (sim/aws/lambda.ts).
 *
 * Documented quotas and behaviours modelled (Amazon SQS Developer Guide):
 * - message groups ("Using the message group ID", and the Knowledge Center's "Why doesn't my
 *   FIFO queue return all messages"): a group's messages are received in the order sent; while
 *   one of them is in flight (received, not deleted, visibility not over) the group returns
 *   nothing more; a receive returns as many messages of one group as it can, in order, and
 *   messages of other available groups too;
 * - deduplication ("Exactly-once processing"): a message whose `MessageDeduplicationId` was sent
 *   in the last 5 minutes is accepted and dropped;
 * - no per-message `DelaySeconds` ("FIFO delivery logic"): an entry with one is refused;
 * - throughput ("Amazon SQS message quotas", "Troubleshoot FIFO throttling"): 300 transactions
 *   per second per API action (SendMessage, ReceiveMessage, DeleteMessage; a batch of 10 is one),
 *   ThrottlingException beyond it; in high-throughput mode (how infra/queues.ts creates it) up to
 *   70,000 per action in us-east-1, us-west-2 and eu-west-1. The partitions behind high
 *   throughput are not modelled: one group's consumer takes one message at a time anyway;
 * - in flight ("FIFO queue quotas"): 20,000 messages, the quota the design is sized against
 *   (SQS_FIFO in core/config/sqs-limits.ts); the quota page says 120,000 since late 2024: the
 *   model keeps the stricter figure. Beyond it a receive returns nothing, without an error;
 * - visibility timeout, retention and redrive as on a standard queue (sqs.ts).
 */
import type { Engine } from "../engine.js";
import type { Meter } from "./meter.js";
import { leavesOnReceive, type ModelQueue, type NewMessage, type SimMessage, type SimQueue } from "./sqs.js";

export const FIFO_IN_FLIGHT_CAP = 20_000;
export const FIFO_DEDUP_WINDOW_MS = 5 * 60_000;
export const FIFO_TPS = { standard: 300, highThroughput: 70_000 } as const;

type Action = "send" | "receive" | "delete" | "changeVisibility";

export class FifoQueue implements ModelQueue {
  /** Each group's messages not yet gone, in the order sent (the head first). */
  private readonly groups = new Map<string, SimMessage[]>();
  /** Messages in flight per group (a group with any is locked). */
  private readonly locks = new Map<string, number>();
  /** Groups whose head may be received now, in the order they became so. */
  private readonly ready = new Set<string>();
  private readonly dedup = new Map<string, number>();
  private readonly calls = new Map<Action, { sec: number; n: number }>();
  readonly byHandle = new Map<string, SimMessage>();
  inFlight = 0;
  stored = 0;
  visibleWeight = 0;
  onVisible?: () => void;
  dlq?: ModelQueue;

  constructor(
    readonly url: string,
    readonly settings: SimQueue["settings"] & { highThroughput: boolean },
    private engine: Engine,
    readonly meter: Meter,
  ) {}

  /** Groups that may be received now (a receive takes one or more of their messages). */
  get visible(): number {
    return this.ready.size;
  }
  get oldestVisibleAt(): number | undefined {
    for (const g of this.ready) return this.groups.get(g)?.[0]?.visibleAt;
    return undefined;
  }

  /** One API call of `action`: false when over the queue's transactions per second (throttled). */
  admit(action: Action): boolean {
    const sec = Math.floor(this.engine.t / 1000);
    const c = this.calls.get(action);
    const n = c?.sec === sec ? c.n + 1 : 1;
    this.calls.set(action, { sec, n });
    this.meter.max(`fifo_tps:${this.url}:${action}`, n);
    const ok = n <= (this.settings.highThroughput ? FIFO_TPS.highThroughput : FIFO_TPS.standard);
    if (!ok) this.meter.count(`fifo_throttled:${this.url}`);
    return ok;
  }

  put(m: NewMessage, delayMs: number): boolean {
    const group = m.groupId;
    if (group === undefined || delayMs > 0) return false;
    if (m.dedupId !== undefined) {
      const seen = this.dedup.get(m.dedupId);
      if (seen !== undefined && this.engine.t - seen < FIFO_DEDUP_WINDOW_MS) {
        this.meter.count(`fifo_deduplicated:${this.url}`, m.k);
        return true;
      }
      this.forgetOldIds();
      this.dedup.set(m.dedupId, this.engine.t);
    }
    const msg: SimMessage = {
      ...m,
      visibleAt: this.engine.t,
      receiveCount: 0,
      handle: `${m.id}:0`,
      state: "waiting",
      version: 0,
    };
    this.stored += msg.k;
    this.meter.max(`stored:${this.url}`, this.stored);
    const list = this.groups.get(group) ?? [];
    list.push(msg);
    this.groups.set(group, list);
    if (this.ready.has(group)) this.visibleWeight += msg.k;
    else this.mayOpen(group);
    return true;
  }

  *messages(): Iterable<SimMessage> {
    for (const list of this.groups.values()) yield* list;
  }

  /** The ids sent more than 5 minutes ago, oldest first (a Map keeps insertion order). */
  private forgetOldIds(): void {
    for (const [id, at] of this.dedup) {
      if (this.engine.t - at < FIFO_DEDUP_WINDOW_MS) return;
      this.dedup.delete(id);
    }
  }

  /** Makes a group receivable when nothing of it is in flight and it has a message. */
  private mayOpen(group: string): void {
    const list = this.groups.get(group);
    if (!list?.length || (this.locks.get(group) ?? 0) > 0 || this.ready.has(group)) return;
    this.ready.add(group);
    this.visibleWeight += list.reduce((n, m) => n + m.k, 0);
    this.onVisible?.();
  }

  receive(max: number, weight = Number.POSITIVE_INFINITY): SimMessage[] {
    const out: SimMessage[] = [];
    if (this.ready.size === 0 || !this.admit("receive")) return out;
    let taken = 0;
    for (const group of [...this.ready]) {
      if (out.length >= max || this.inFlight >= FIFO_IN_FLIGHT_CAP) break;
      const list = this.groups.get(group)!;
      this.ready.delete(group);
      this.visibleWeight -= list.reduce((n, m) => n + m.k, 0);
      for (const m of [...list]) {
        if (out.length >= max || this.inFlight >= FIFO_IN_FLIGHT_CAP) break;
        if (out.length > 0 && taken + m.k > weight) break;
        if (leavesOnReceive(m, this.engine.t, this, (gone) => this.drop(gone))) continue;
        this.byHandle.set(m.handle!, m);
        this.locks.set(group, (this.locks.get(group) ?? 0) + 1);
        this.inFlight += m.k;
        taken += m.k;
        out.push(m);
        this.hide(m, this.settings.visibilityTimeoutSeconds);
      }
      this.mayOpen(group);
    }
    this.meter.max(`in_flight:${this.url}`, this.inFlight);
    if (this.inFlight >= FIFO_IN_FLIGHT_CAP) this.meter.count(`receives_at_cap:${this.url}`);
    return out;
  }

  /** In flight until `seconds` from now, then visible again at its place in its group. */
  private hide(m: SimMessage, seconds: number): void {
    const v = ++m.version;
    m.visibleAt = this.engine.t + seconds * 1000;
    this.engine.at(m.visibleAt, () => {
      if (m.version === v && m.state === "inflight") this.release(m);
    });
  }

  /** No longer in flight (visible again, or gone): its group opens when nothing else of it is. */
  private release(m: SimMessage): void {
    if (m.state !== "inflight") return;
    m.state = "waiting";
    m.version++;
    this.inFlight -= m.k;
    this.byHandle.delete(m.handle);
    const group = m.groupId!;
    this.locks.set(group, this.locks.get(group)! - 1);
    this.mayOpen(group);
  }

  private drop(m: SimMessage): void {
    const list = this.groups.get(m.groupId!)!;
    list.splice(list.indexOf(m), 1);
    if (list.length === 0) this.groups.delete(m.groupId!);
    this.stored -= m.k;
    if (m.state === "inflight") this.release(m);
    m.state = "gone";
    m.version++;
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
    if (seconds === 0) this.release(m);
    else this.hide(m, seconds);
    return true;
  }
}
