/**
 * What a cohort's members wait in a queue for their event source (docs/scale.md, Cohorts).
 *
 * A simulated record standing for k real messages is received once, after waiting W for a free
 * unit of its mapping; the k real messages it stands for arrive over the cohort interval, each
 * meeting the mapping as it is when it arrives. Read as one wait, W stood for all k: a record
 * that came while the mapping was full weighed k times in the delays (steady-10k seed 2: two
 * records of k 4,000 that waited 411 ms held 37 % of the top 1 %, p99 595 ms against 490 at
 * k 400). So the record's members are spread over the interval before it, evenly, and each
 * waits what a message visible then waited: until every message visible before it was received
 * (oldest first, as the queue serves its backlog; a fair queue serves a quiet tenant sooner, so
 * this is an upper bound there). The member at the record's own instant waits W. Read off the
 * past, not the interval after the record: its answer, where the delays are taken, comes before
 * that interval has happened. For a steady flow the two are alike.
 *
 * A member reads no further back than the mapping's batching window and the record's own wait
 * (`reachMs`); those the interval puts further back wait what the record waited. Reading the
 * whole interval (200 s at dead-endpoint-3d's k of 1,000,000) reached into hours of its backlog:
 * others' p95/p99 760/1,318 -> 1,241/30,710 ms (d9ad69e, reverted in 6d41eae).
 */
import type { ModelQueue, SimMessage } from "./sqs.js";

/** A cohort's delays are read off this many of its members (its own, then more), at most. */
export const MEMBERS = 20;

export class QueueWaits {
  /** Messages that waited: when each became visible and when it was received, in receive order. */
  private log: { visibleAt: number; receivedAt: number }[] = [];
  /** Since when no unit is free (a message arriving meanwhile waits for one). */
  private fullSince: number | undefined;

  /** @param windowMs the mapping's batching window: how far back a member reads, beyond its record's wait */
  constructor(
    private queue: Pick<ModelQueue, "oldestVisibleAt"> = { oldestVisibleAt: undefined },
    private windowMs = 0,
  ) {}

  /**
   * Whether a unit of the mapping is free at `t`: a message arriving while none is free waits for
   * one, even with none visible before it (logged as one that waited from then until now).
   */
  unitsFree(free: boolean, t: number, intervalMs: number): void {
    if (!free && this.fullSince === undefined) this.fullSince = t;
    if (!free || this.fullSince === undefined) return;
    if (intervalMs > 0) this.received(this.fullSince, t, this.queue.oldestVisibleAt ?? t, intervalMs);
    this.fullSince = undefined;
  }

  /** Logs a batch received at `t`; returns its records' members' waits (`members`), none without cohorts. */
  batch(batch: SimMessage[], t: number, draws: number, intervalMs: number): number[][] {
    if (intervalMs <= 0) return [];
    const oldest = this.queue.oldestVisibleAt ?? t;
    for (const m of batch) this.received(m.readyAt ?? t, t, oldest, intervalMs);
    return batch.map((m) => {
      const visibleAt = m.readyAt ?? t;
      return this.members(visibleAt, t, m.k, draws, intervalMs, this.windowMs + t - visibleAt);
    });
  }

  /**
   * A message visible since `visibleAt` was received at `t`. Forgets what no later question
   * can reach: a member is asked about at most one interval before its record became
   * visible, no earlier than the oldest message still visible (`oldest`, or now).
   */
  received(visibleAt: number, t: number, oldest: number, intervalMs: number): void {
    if (t > visibleAt) this.log.push({ visibleAt, receivedAt: t });
    let drop = 0;
    while (drop < this.log.length && this.log[drop]!.receivedAt <= oldest - intervalMs) drop++;
    if (drop > 0) this.log.splice(0, drop);
  }

  /**
   * How long a message visible at `s` waited: until the last message visible at or before `s`
   * was received (0 if all were received by `s`). The newest receives first: the first one
   * visible by `s` is the latest.
   */
  waitAt(s: number): number {
    for (let i = this.log.length - 1; i >= 0; i--) {
      const e = this.log[i]!;
      if (e.receivedAt <= s) return 0;
      if (e.visibleAt <= s) return e.receivedAt - s;
    }
    return 0;
  }

  /**
   * The waits of a record's members, its own first: n = min(k, MEMBERS), at least `draws` (the
   * batch tail's answers, sim/aws/batch-tail.ts), member i at i/n of the interval before it,
   * waiting what the record waited when that is more than `reachMs` back.
   */
  members(
    visibleAt: number,
    t: number,
    k: number,
    draws: number,
    intervalMs: number,
    reachMs = intervalMs,
  ): number[] {
    const n = Math.max(draws, Math.min(k, MEMBERS));
    const waits = [t - visibleAt];
    for (let i = 1; i < n; i++) {
      const back = (i * intervalMs) / n;
      waits.push(back <= reachMs ? this.waitAt(visibleAt - back) : t - visibleAt);
    }
    return waits;
  }
}
