import { doubling } from "./backoff.js";

/**
 * How long a write held in a process after DynamoDB refused it (throttled: a hot partition)
 * waits before it is tried again: 1 s, doubling, at most a minute. Shared by the writes kept
 * behind instead of dropped: endpoint health (core/delivery/policy/write-behind.ts) and the
 * filter counts (core/filters/counts.ts).
 */
export function heldWriteRetryMs(failedWrites: number): number {
  return doubling(1_000, Math.max(0, failedWrites - 1), 60_000);
}
