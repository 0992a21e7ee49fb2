/**
 * The SQS limits the settings (infra.ts) and the design respect (docs/scale.md): plain data,
 * shared by `sst.config.ts`'s modules, the local stack and the core.
 */
const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Longest visibility timeout SQS accepts (12 h); longer waits go through the scheduler. */
export const SQS_MAX_VISIBILITY_SECONDS = 12 * HOUR;
/** Longest message retention SQS accepts (14 days). */
export const SQS_MAX_RETENTION_SECONDS = 14 * DAY;
/**
 * Largest SQS message (1 MiB since 2025). The provider's default is still 256 KiB, so every
 * queue sets it explicitly, on AWS and locally: a delivery task carries the whole body.
 */
export const SQS_MAX_MESSAGE_BYTES = 1_048_576;
/** In-flight messages a standard queue holds; past it, receives come back empty, silently. */
export const SQS_MAX_IN_FLIGHT = 120_000;
/** Longest per-message `DelaySeconds` (15 min): a re-sent message waits outside the in-flight count. */
export const SQS_MAX_DELAY_SECONDS = 15 * MINUTE;
/** FIFO queue limits (docs/delivery.md, "Ordered delivery"). */
export const SQS_FIFO = {
  /** In-flight messages a FIFO queue holds: at most this many groups wait on a failing head at once. */
  maxInFlight: 20_000,
  /** Messages/s per queue without high-throughput mode, batched (300 API calls/s × 10). */
  batchedPerSecond: 3_000,
} as const;
