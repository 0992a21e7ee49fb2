/**
 * A warning that can happen once per message, logged as a summary: the first occurrence at
 * once, then at most one line per interval per process, carrying the counts added since the
 * last line and up to SUMMARY_SAMPLES distinct sample values (organization ids, say). What is
 * counted is also a metric (EMF, metrics.ts), which CloudWatch adds up across processes; the
 * line says that it happens and where to look.
 *
 * Why: a tenant over its shards has ~1,000 events a second deferred (docs/scale.md,
 * `hot-tenant-4k`), and a line per ingest batch or per message was up to 5,000 lines/s at
 * 5,000 events/s: ~130 GB a day at ~300 bytes a line, ~$65 a day of CloudWatch Logs ingestion
 * ($0.50/GB) for one fact. A summary is at most one line a minute per process.
 *
 * Counts added after a process's last line are logged with its next one (a process that goes
 * idle never logs them: the metric has them). Per process, like the logger: nothing is shared.
 */
import { logger } from "./logger.js";

/** At most one line per this long per summary and process. */
export const SUMMARY_EVERY_MS = 60_000;
/** Distinct sample values a line carries at most. */
export const SUMMARY_SAMPLES = 10;

export interface LogSummary {
  /** Adds occurrences (each count summed under its field) and sample values; logs when due. */
  add(counts: Record<string, number>, samples?: Iterable<string | undefined>): void;
}

/** A summary of the warning `message`; `now` is the clock (epoch ms). */
export function logSummary(message: string, opts: { now?: () => number } = {}): LogSummary {
  const now = opts.now ?? Date.now;
  let counts: Record<string, number> = {};
  let samples = new Set<string>();
  let lastAt: number | undefined;
  return {
    add(more, values = []) {
      for (const [field, n] of Object.entries(more)) counts[field] = (counts[field] ?? 0) + n;
      for (const v of values) if (v !== undefined && samples.size < SUMMARY_SAMPLES) samples.add(v);
      const t = now();
      if (lastAt !== undefined && t - lastAt < SUMMARY_EVERY_MS) return;
      logger.warn(message, {
        ...counts,
        samples: [...samples],
        // The span the counts cover: since the previous line (none: this is the first).
        since_ms: lastAt === undefined ? 0 : t - lastAt,
      });
      counts = {};
      samples = new Set();
      lastAt = t;
    },
  };
}
