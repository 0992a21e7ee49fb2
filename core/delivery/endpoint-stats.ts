/**
 * Endpoint health over a window (the portal's chart, `GET /v1/webhook-endpoints/{id}/stats`):
 * attempts per bucket, their success rate and latency. Pure and import-free (the portal
 * shares its types): the store reads the attempts, core/delivery/policy/retry.ts gives the horizon.
 */

export type StatsWindow = "24h" | "7d";

export const WINDOWS: Record<StatsWindow, { buckets: number; bucketMs: number }> = {
  "24h": { buckets: 24, bucketMs: 3_600_000 },
  "7d": { buckets: 7, bucketMs: 86_400_000 },
};

/** What the aggregate needs of one attempt. */
export interface AttemptSample {
  timestamp: string;
  success: boolean;
  latency_ms: number;
}

export interface StatsBucket {
  start: string;
  attempts: number;
  succeeded: number;
  failed: number;
  /** null when the bucket has no attempt. */
  success_rate: number | null;
  mean_latency_ms: number | null;
}

export interface EndpointStats {
  window: StatsWindow;
  from: string;
  to: string;
  bucket_seconds: number;
  attempts: number;
  succeeded: number;
  failed: number;
  success_rate: number | null;
  mean_latency_ms: number | null;
  median_latency_ms: number | null;
  buckets: StatsBucket[];
}

/** The window's start: buckets end at the next whole bucket after `now` (hours, or UTC days). */
export function windowBounds(window: StatsWindow, now: Date): { from: number; to: number } {
  const { buckets, bucketMs } = WINDOWS[window];
  const to = Math.floor(now.getTime() / bucketMs) * bucketMs + bucketMs;
  return { from: to - buckets * bucketMs, to };
}

const rate = (ok: number, total: number) => (total ? Math.round((1000 * ok) / total) / 1000 : null);

export function aggregate(window: StatsWindow, now: Date, samples: readonly AttemptSample[]): EndpointStats {
  const { buckets: n, bucketMs } = WINDOWS[window];
  const { from, to } = windowBounds(window, now);
  const buckets = Array.from({ length: n }, (_, i) => ({
    start: from + i * bucketMs,
    ok: 0,
    total: 0,
    latency: 0,
  }));
  const latencies: number[] = [];
  for (const s of samples) {
    const t = Date.parse(s.timestamp);
    if (!(t >= from && t < to)) continue;
    const b = buckets[Math.floor((t - from) / bucketMs)]!;
    b.total++;
    if (s.success) b.ok++;
    b.latency += s.latency_ms;
    latencies.push(s.latency_ms);
  }
  latencies.sort((a, b) => a - b);
  const total = latencies.length;
  const ok = buckets.reduce((sum, b) => sum + b.ok, 0);
  const latencySum = latencies.reduce((sum, l) => sum + l, 0);
  return {
    window,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    bucket_seconds: bucketMs / 1000,
    attempts: total,
    succeeded: ok,
    failed: total - ok,
    success_rate: rate(ok, total),
    mean_latency_ms: total ? Math.round(latencySum / total) : null,
    median_latency_ms: total ? latencies[Math.floor(total / 2)]! : null,
    buckets: buckets.map((b) => ({
      start: new Date(b.start).toISOString(),
      attempts: b.total,
      succeeded: b.ok,
      failed: b.total - b.ok,
      success_rate: rate(b.ok, b.total),
      mean_latency_ms: b.total ? Math.round(b.latency / b.total) : null,
    })),
  };
}
