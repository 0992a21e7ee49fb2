/**
 * The settings of ordered delivery (docs/delivery.md, "Ordered delivery"), part of infra.ts's
 * `queues` and `functions`: the FIFO queue and its consumer.
 */
import { TIMEOUT_MS } from "../model/index.js";
import { batchSeconds, concurrencyFor, targetRates } from "./capacity.js";
import { SQS_MAX_MESSAGE_BYTES, SQS_MAX_RETENTION_SECONDS } from "./sqs-limits.js";

const MINUTE = 60;
/** Records per invocation: the most a FIFO event source takes. */
const BATCH = 10;

/**
 * The ordered consumer's time limit. A batch may hand it several records of one group (AWS
 * does), taken one after another: a record is started only while one more attempt at the longest
 * endpoint timeout still fits (`ORDERED_START_BUDGET_MS`); the rest go back, in order, at once.
 */
const ORDERED_TIMEOUT_SECONDS = 300;
export const ORDERED_START_BUDGET_MS = (ORDERED_TIMEOUT_SECONDS - 10) * 1000 - TIMEOUT_MS.max;

/**
 * A FIFO queue whose message groups are ordered endpoints (and their key values). A failing head
 * is held on its message's visibility timeout, which blocks its group and no other.
 * High-throughput mode (deduplication and throughput per message group). Its own DLQ is FIFO, as
 * SQS requires; exhausted retries go to the delivery DLQ like every other dead letter
 * (core/queue/dead-letter.ts).
 */
export const orderedQueue = {
  name: "DeliveryOrderedQueue",
  fifo: true,
  // >= 6x the consumer's timeout, as AWS advises.
  visibilityTimeoutSeconds: 30 * MINUTE,
  retentionSeconds: SQS_MAX_RETENTION_SECONDS,
  // Not the retry policy: the tasks behind a failing head are received again with it (AWS hands
  // a batch several messages of one group) and released unprocessed, and parked heads come back
  // once per breaker cooldown, so receives outnumber attempts. SQS's maximum: a crash safety net.
  maxReceiveCount: 1000,
  maxMessageBytes: SQS_MAX_MESSAGE_BYTES,
  dlq: { name: "DeliveryOrderedDlq", retentionSeconds: SQS_MAX_RETENTION_SECONDS },
} as const;

/**
 * No batching window: a group's next event waits on this one's delete, so a window would add to
 * every ordered event's latency. Concurrency: groups in parallel (one invocation serves several),
 * sized for the target's ordered share (core/config/capacity.ts; `DELIVER_ORDERED_MAX_CONCURRENCY`
 * replaces it at deploy time).
 */
export const orderedConsumer = {
  timeoutSeconds: ORDERED_TIMEOUT_SECONDS,
  memoryMb: 1024,
  batchSize: BATCH,
  batchWindowSeconds: 0,
  // 300 deliveries/s × 3.33 s per batch ÷ 10 × 1.5 = 150.
  maxConcurrency: concurrencyFor(targetRates().deliverOrdered, BATCH, batchSeconds.deliverOrdered),
  waitTimeSeconds: 1,
  localConcurrency: 4,
} as const;
