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
 */
import type { Engine } from "../engine.js";

export class InFlightGauge {
  /** Real messages in flight now, each simulated message counted k times (the upper bound). */
  now = 0;
  private since = 0;
  private start = 0;
  private area = 0;
  private previous = 0;

  /**
   * @param interval the cohort interval (ms), read when a window closes: it is known once the
   *   scenario's groups are seeded; 0 (no cohorts) reads the instantaneous value
   * @param closed told each window's average
   */
  constructor(
    private engine: Engine,
    private interval: () => number,
    private closed: (average: number) => void,
  ) {}

  add(n: number): void {
    this.roll();
    this.now += n;
    if (this.interval() <= 0) this.closed(this.now);
  }

  /** Real messages in flight, averaged over the last cohort interval. */
  get average(): number {
    const w = this.interval();
    if (w <= 0) return this.now;
    this.roll();
    const elapsed = this.engine.t - this.start;
    const area = this.area + this.now * (this.engine.t - this.since);
    return (area + this.previous * (w - elapsed)) / w;
  }

  /** Closes the windows that ended before now (a run of whole windows at a constant value at once). */
  private roll(): void {
    const t = this.engine.t;
    const w = this.interval();
    if (w <= 0) {
      this.start = this.since = t;
      this.area = 0;
      return;
    }
    if (t < this.start + w) {
      this.area += this.now * (t - this.since);
      this.since = t;
      return;
    }
    const end = this.start + w;
    this.previous = (this.area + this.now * (end - this.since)) / w;
    this.closed(this.previous);
    const whole = Math.floor((t - end) / w);
    if (whole > 0) {
      this.previous = this.now;
      this.closed(this.now);
    }
    this.start = end + whole * w;
    this.area = this.now * (t - this.start);
    this.since = t;
  }
}
