/**
 * The visible messages of a standard queue (sqs.ts), in the order a receive takes them: oldest
 * first, except for SQS **fair queues** (AWS, July 2025: any standard queue whose messages carry
 * a `MessageGroupId`).
 *
 * Documented behaviour modelled (Amazon SQS Developer Guide, "Amazon SQS fair queues" and "How
 * Amazon SQS fair queues work"):
 * - a message's tenant is its `MessageGroupId`; a message without one is a tenant of its own;
 * - a tenant becomes a noisy neighbour when it holds more than 10 % of the queue's in-flight
 *   messages and at least 30 of its own ("concurrency share");
 * - while a quiet tenant's message is visible, a receive returns it before any noisy tenant's;
 *   noisy tenants' messages are neither dropped nor throttled: with no quiet message waiting
 *   they are returned as usual, first those of the noisy tenant with the fewest in flight;
 * - a tenant stops being noisy when its backlog is drained, or after 5 minutes without a send.
 * Not modelled: the second measure, "processing time share" (> 10 % of the consumers' recent
 * processing time; the design moves slow endpoints to their own queue, the slow lane), and the
 * approximate thresholds of a distributed system (the model applies them exactly).
 */
import type { SimMessage } from "./sqs.js";

/** AWS's thresholds ("How Amazon SQS fair queues work"). */
export const FAIR_NOISY_SHARE = 0.1;
export const FAIR_NOISY_MIN_IN_FLIGHT = 30;
export const FAIR_QUIET_AFTER_MS = 5 * 60_000;

/** A first-in first-out list without shift's copying (a backlog may hold 100,000s). */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;
  get size(): number {
    return this.items.length - this.head;
  }
  peek(): T | undefined {
    return this.items[this.head];
  }
  push(x: T): void {
    this.items.push(x);
  }
  shift(): T | undefined {
    const x = this.items[this.head++];
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return x;
  }
}

export class FairReady {
  /** Every visible message, in the order it became visible, but for those moved to `held`. */
  private readonly main = new Fifo<SimMessage>();
  /** A noisy tenant's visible messages met at the head of `main`, in order. */
  private readonly held = new Map<string, Fifo<SimMessage>>();
  /** Noisy tenants, and when each last sent a message. */
  private readonly noisy = new Map<string, number>();
  /** Visible messages per tenant (its backlog). */
  private readonly backlog = new Map<string, number>();
  /** Real messages in flight per tenant (received, not deleted, not back yet). */
  private readonly inFlightOf = new Map<string, number>();
  private inFlight = 0;
  private chosen: { m: SimMessage; from: Fifo<SimMessage> } | undefined;
  count = 0;

  /** A message was sent (its tenant's last send, for the 5-minute rule). */
  sent(m: SimMessage, now: number): void {
    if (m.groupId !== undefined && this.noisy.has(m.groupId)) this.noisy.set(m.groupId, now);
  }

  /** The message is visible (sent, its delay or visibility timeout over). */
  push(m: SimMessage): void {
    this.main.push(m);
    this.count++;
    if (m.groupId !== undefined) this.backlog.set(m.groupId, (this.backlog.get(m.groupId) ?? 0) + 1);
    this.chosen = undefined;
  }

  /** `k` real messages of the tenant went in flight (positive) or left it (negative). */
  flying(m: SimMessage, k: number): void {
    this.inFlight += k;
    if (m.groupId === undefined) return;
    const n = (this.inFlightOf.get(m.groupId) ?? 0) + k;
    if (n > 0) this.inFlightOf.set(m.groupId, n);
    else this.inFlightOf.delete(m.groupId);
    this.chosen = undefined;
  }

  get oldestVisibleAt(): number | undefined {
    let at = this.main.peek()?.visibleAt;
    for (const list of this.held.values()) at = Math.min(at ?? Infinity, list.peek()!.visibleAt);
    return at;
  }

  /** The message a receive takes next (the same until `take` or a change). */
  next(now: number): SimMessage | undefined {
    if (this.chosen) return this.chosen.m;
    for (const [g, last] of this.noisy) {
      if (now - last > FAIR_QUIET_AFTER_MS) this.noisy.delete(g);
    }
    for (let m = this.main.peek(); m !== undefined && this.isNoisy(m.groupId, now); m = this.main.peek()) {
      const list = this.held.get(m.groupId!) ?? new Fifo<SimMessage>();
      this.held.set(m.groupId!, list);
      list.push(this.main.shift()!);
    }
    const head = this.main.peek();
    let best = head && { m: head, from: this.main };
    for (const [g, list] of this.held) {
      const m = list.peek()!;
      // A tenant's held messages are older than its messages still in `main`.
      if (!this.noisy.has(g) && (!best || m.visibleAt <= best.m.visibleAt)) best = { m, from: list };
    }
    // Only noisy tenants wait: the one with the fewest in flight first.
    if (!best) best = this.fewestInFlight();
    this.chosen = best;
    return best?.m;
  }

  /** Takes the message `next` returned. */
  take(): void {
    const c = this.chosen!;
    c.from.shift();
    this.count--;
    const g = c.m.groupId;
    if (g !== undefined) {
      const left = this.backlog.get(g)! - 1;
      if (left > 0) this.backlog.set(g, left);
      else {
        // Its backlog drained: a noisy tenant is quiet again.
        this.backlog.delete(g);
        this.noisy.delete(g);
      }
      if (c.from !== this.main && c.from.size === 0) this.held.delete(g);
    }
    this.chosen = undefined;
  }

  private isNoisy(g: string | undefined, now: number): boolean {
    if (g === undefined) return false;
    if (this.noisy.has(g)) return true;
    const mine = this.inFlightOf.get(g) ?? 0;
    if (mine < FAIR_NOISY_MIN_IN_FLIGHT || mine <= FAIR_NOISY_SHARE * this.inFlight) return false;
    this.noisy.set(g, now);
    return true;
  }

  private fewestInFlight(): { m: SimMessage; from: Fifo<SimMessage> } | undefined {
    let best: { m: SimMessage; from: Fifo<SimMessage>; n: number } | undefined;
    for (const [g, list] of this.held) {
      const n = this.inFlightOf.get(g) ?? 0;
      if (!best || n < best.n) best = { m: list.peek()!, from: list, n };
    }
    return best;
  }
}
