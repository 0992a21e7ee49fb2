/** Weighted percentiles of delivery delays, overall and per hour. */
export interface Percentiles {
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
}

export class Delays {
  private d: number[] = [];
  private w: number[] = [];
  private h: number[] = [];
  private n = 0;

  /**
   * A delivery standing for `weight` real ones, delivered after `delayMs`; `othersMs`, when
   * known, are delays of the real ones it stands for beside its own (its cohort's members'
   * answers), which share the weight. One draw for k members made the percentiles those of a
   * k-times smaller sample: steady-10k's p99 of 429 simulated deliveries moved 16 % between
   * two cohort sizes with the same distribution.
   */
  add(delayMs: number, weight: number, hour: number, othersMs: number[] = []): void {
    const each = weight / (1 + othersMs.length);
    for (const d of [delayMs, ...othersMs]) {
      this.d.push(d);
      this.w.push(each);
      this.h.push(hour);
    }
    this.n++;
  }

  /** Deliveries added (simulated ones, each with its members). */
  get count(): number {
    return this.n;
  }

  percentiles(hour?: number): Percentiles {
    const idx: number[] = [];
    for (let i = 0; i < this.d.length; i++) if (hour === undefined || this.h[i] === hour) idx.push(i);
    idx.sort((a, b) => this.d[a]! - this.d[b]!);
    const total = idx.reduce((n, i) => n + this.w[i]!, 0);
    const at = (q: number) => {
      let acc = 0;
      for (const i of idx) {
        acc += this.w[i]!;
        if (acc >= q * total) return Math.round(this.d[i]!);
      }
      return 0;
    };
    return { p50_ms: at(0.5), p95_ms: at(0.95), p99_ms: at(0.99) };
  }

  hours(): number[] {
    return [...new Set(this.h)].sort((a, b) => a - b);
  }
}
