/** Small numeric helpers shared by the benchmark parts. */
import { cpus } from "node:os";
import { mapLimit } from "../core/lib/pool.js";

/** Nearest-rank percentile of an unsorted list (0 for an empty one). */
export function percentile(values: readonly number[], p: number): number {
  return atRank(sortedCopy(values), p);
}

/** The latency figures every benchmark reports. */
export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

/** p50, p95 and p99 of an unsorted list, nearest rank as `percentile` (one sort). */
export function percentiles(values: readonly number[]): Percentiles {
  const sorted = sortedCopy(values);
  return { p50: atRank(sorted, 50), p95: atRank(sorted, 95), p99: atRank(sorted, 99) };
}

const sortedCopy = (values: readonly number[]) => [...values].sort((a, b) => a - b);

function atRank(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  platform: string;
}

export function machine(): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? "unknown",
    cores: list.length,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs `fn` over `items` with at most `limit` in flight (core/lib/pool.ts). */
export async function pool<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  await mapLimit(items, limit, fn);
}
