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

  add(delayMs: number, weight: number, hour: number): void {
    this.d.push(delayMs);
    this.w.push(weight);
    this.h.push(hour);
  }

  get count(): number {
    return this.d.length;
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
