/**
 * A queue's in-flight messages as cohorts let them be read (docs/scale.md, Cohorts).
 *
 * A simulated message standing for k real ones is in flight for some time w (one invocation,
 * or a retry's wait under its visibility timeout); the k real messages it stands for arrive
 * one cohort interval apart (k / its group's rate), each in flight for w, so about k·w / interval
 * of them are in flight at any instant, not k. The time average over the cohort interval is
 * that figure; the instantaneous sum of k is an upper bound, k times too high for a cohort in
 * flight a moment. What reads this gauge: SQS's in-flight cap (a receive comes back empty at
 * it) and the figure reported. Averaged over the last interval: the current window's area plus
 * the previous window's average for the part of the interval before it (a sliding window).
 *
 * Two parts: messages in processing (received, in an invocation) and the rest (hidden by a
 * retry's visibility wait, or left by an invocation that ended). The processing part is bounded
 * by what the event source's units can hold (`cap`: units × batch size): on AWS the pollers
 * read only the batches the mapping invokes ("Configuring scaling behavior for SQS event source
 * mappings"), and a record is in processing only inside one of them. A cohort's count k·w /
 * interval assumes its real invocations find the units they need: when they outlast the time
 * their units were sized on (sim/aws/lambda.ts), it read more than the units hold (flapping
 * --k 0.5 at full span: 50,672 in processing on a mapping holding at most 847 × 20 = 16,940).
 */
import type { Engine } from "../engine.js";

export class InFlightGauge {
  /** Real messages in flight now, each simulated message counted k times (the upper bound). */
  now = 0;
  private processingNow = 0;
  private since = 0;
  private start = 0;
  /** The current window's area, in processing and in all. */
  private area = { processing: 0, all: 0 };
  /** The previous window's average, in processing (within the cap) and in all. */
  private previous = { processing: 0, all: 0 };

  /**
   * @param interval the cohort interval (ms), read when a window closes: it is known once the
   *   scenario's groups are seeded; 0 (no cohorts) reads the instantaneous value
   * @param closed told each window's average
   * @param cap the most real messages in processing at a time (the event source's units × batch size)
   */
  constructor(
    private engine: Engine,
    private interval: () => number,
    private closed: (average: number) => void,
    private cap: () => number = () => Number.POSITIVE_INFINITY,
  ) {}

  /** `n` more real messages in flight (fewer when negative), in an invocation (`processing`) or not. */
  add(n: number, processing = false): void {
    this.roll();
    this.now += n;
    if (processing) this.processingNow += n;
    if (this.interval() <= 0) this.closed(this.bounded(this.processingNow, this.now));
  }

  /** `n` real messages in flight leave their invocation: still in flight, no longer in processing. */
  settle(n: number): void {
    this.roll();
    this.processingNow -= n;
  }

  /** Real messages in flight, averaged over the last cohort interval. */
  get average(): number {
    const w = this.interval();
    if (w <= 0) return this.bounded(this.processingNow, this.now);
    this.roll();
    const elapsed = this.engine.t - this.start;
    const sliding = (area: number, now: number, previous: number) =>
      (area + now * (this.engine.t - this.since) + previous * (w - elapsed)) / w;
    return this.bounded(
      sliding(this.area.processing, this.processingNow, this.previous.processing),
      sliding(this.area.all, this.now, this.previous.all),
    );
  }

  /** All in flight, its processing part within the cap. */
  private bounded(processing: number, all: number): number {
    const cap = this.cap();
    return processing <= cap ? all : all - processing + cap;
  }

  /** Closes the windows that ended before now (a run of whole windows at a constant value at once). */
  private roll(): void {
    const t = this.engine.t;
    const w = this.interval();
    if (w <= 0) {
      this.start = this.since = t;
      this.area = { processing: 0, all: 0 };
      return;
    }
    if (t < this.start + w) {
      this.grow(t);
      return;
    }
    const end = this.start + w;
    this.grow(end);
    this.close(this.area.processing / w, this.area.all / w);
    const whole = Math.floor((t - end) / w);
    if (whole > 0) this.close(this.processingNow, this.now);
    this.start = end + whole * w;
    this.area = { processing: this.processingNow * (t - this.start), all: this.now * (t - this.start) };
    this.since = t;
  }

  private grow(to: number): void {
    this.area.processing += this.processingNow * (to - this.since);
    this.area.all += this.now * (to - this.since);
    this.since = to;
  }

  private close(processing: number, all: number): void {
    const capped = Math.min(processing, this.cap());
    this.previous = { processing: capped, all: this.bounded(processing, all) };
    this.closed(this.previous.all);
  }
}
