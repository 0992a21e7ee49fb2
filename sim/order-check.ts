/**
 * What an ordered endpoint's receiver saw (issue #29 item 4): each event delivered once, in
 * publish order per key, and the delays of the keys that were not held. Fed the receivers'
 * answers (sim/receivers.ts); the figures are part of a run's (sim/run.ts).
 */
import type { Receipt } from "./receivers.js";
import { Delays, type Percentiles } from "./stats.js";

export interface OrderFigures {
  /** Requests ordered endpoints received (attempts, failed ones included). */
  requests: number;
  /** Events an ordered endpoint answered 2xx for (each counted once). */
  delivered: number;
  /** Deliveries whose event was published before one its key had already delivered. */
  out_of_order: number;
  /** Keys (endpoint and key value) seen. */
  keys: number;
  /** Delays of every key but the held one. */
  other_keys: Percentiles;
  /** The held key's longest delay. */
  held_key_max_ms: number;
}

export class OrderCheck {
  private readonly last = new Map<string, number>();
  private readonly seen = new Set<string>();
  private readonly others = new Delays();
  private outOfOrder = 0;
  private heldMax = 0;
  private requests = 0;

  /** `heldKey`: the key value whose event the scenario fails (its delays are reported apart). */
  constructor(private readonly heldKey?: string) {}

  /** A request reaching an ordered endpoint (before its answer). */
  request(): void {
    this.requests++;
  }

  /** A 2xx answer at time t (virtual ms) to a request of an ordered endpoint. */
  add(r: Receipt & { key: string }, t: number): void {
    const id = `${r.msgId}|${r.endpoint}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    const group = `${r.endpoint}|${r.key}`;
    if (r.publishedAt < (this.last.get(group) ?? Number.NEGATIVE_INFINITY)) this.outOfOrder++;
    this.last.set(group, Math.max(r.publishedAt, this.last.get(group) ?? 0));
    if (r.key === this.heldKey) this.heldMax = Math.max(this.heldMax, t - r.publishedAt);
    else this.others.add(t - r.publishedAt, 1, 0);
  }

  figures(): OrderFigures {
    return {
      requests: this.requests,
      delivered: this.seen.size,
      out_of_order: this.outOfOrder,
      keys: this.last.size,
      other_keys: this.others.percentiles(),
      held_key_max_ms: Math.round(this.heldMax),
    };
  }
}
