/**
 * The relations between the infrastructure settings (core/config/infra.ts) that AWS either
 * enforces at deploy time or that the retry design depends on. sst.config.ts and the local
 * stack are both built from these values, so checking them here checks both.
 */
import { describe, expect, it } from "vitest";
import {
  functions,
  queues,
  retry,
  SQS_MAX_MESSAGE_BYTES,
  SQS_MAX_RETENTION_SECONDS,
  SQS_MAX_VISIBILITY_SECONDS,
  table,
} from "../core/config/infra.js";
import { MAX_DATA_BYTES, RETRIES } from "../core/model/limits.js";
import { taskFor } from "../core/model/task.js";

const DAY = 86_400;

/** Each queue and the function that consumes it. */
const consumers = [
  { queue: queues.ingest, fn: functions.ingest, label: "ingest" },
  { queue: queues.delivery, fn: functions.deliver, label: "delivery" },
  { queue: queues.deliverySlow, fn: functions.deliverSlow, label: "delivery slow lane" },
] as const;

/** The delay after attempt n (1-based): the schedule's last entry repeats. */
function delayAfter(attempt: number): number {
  const list = retry.scheduleSeconds;
  return list[Math.min(attempt - 1, list.length - 1)]!;
}

/** First attempt to last retry when every delay draws the maximum jitter. */
const longestRetryWindowSeconds = Array.from({ length: RETRIES.max }, (_, i) => delayAfter(i + 1)).reduce(
  (sum, d) => sum + d * (1 + retry.jitter),
  0,
);

describe("queue visibility vs consumer timeout", () => {
  for (const { queue, fn, label } of consumers) {
    it(`${label}: visibility >= 6x function timeout + batching window (AWS guidance)`, () => {
      // Otherwise a message whose invocation is retried after a throttle or timeout becomes
      // visible again while still being processed, and is delivered twice.
      expect(queue.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(
        6 * fn.timeoutSeconds + fn.batchWindowSeconds,
      );
    });

    it(`${label}: visibility within SQS limits`, () => {
      expect(queue.visibilityTimeoutSeconds).toBeGreaterThan(0);
      expect(queue.visibilityTimeoutSeconds).toBeLessThanOrEqual(SQS_MAX_VISIBILITY_SECONDS);
    });
  }
});

describe("redrive", () => {
  it("delivery maxReceiveCount > max retries limit + 1 (first attempt + every retry, plus a crash margin)", () => {
    expect(queues.delivery.maxReceiveCount).toBeGreaterThan(RETRIES.max + 1);
  });

  it("the default max_retries is within the limit", () => {
    expect(RETRIES.default).toBeGreaterThanOrEqual(RETRIES.min);
    expect(RETRIES.default).toBeLessThanOrEqual(RETRIES.max);
  });

  for (const { queue, label } of consumers) {
    it(`${label}: maxReceiveCount within SQS limits (1..1000)`, () => {
      expect(queue.maxReceiveCount).toBeGreaterThanOrEqual(1);
      expect(queue.maxReceiveCount).toBeLessThanOrEqual(1000);
    });
  }
});

describe("retention vs retry window", () => {
  it("the longest retry window is what we think it is", () => {
    // 5 s + 5 min + 30 min + 2 h + 5 h + 5 x 10 h = 57.6 h; +10 % jitter = 63.3 h
    expect(longestRetryWindowSeconds).toBeCloseTo(
      (5 + 300 + 1800 + 7200 + 18_000 + 5 * 36_000) * (1 + retry.jitter),
      6,
    );
  });

  for (const { queue, label } of consumers) {
    it(`${label}: queue and DLQ retention exceed the longest retry window`, () => {
      expect(queue.retentionSeconds).toBeGreaterThan(longestRetryWindowSeconds);
      expect(queue.dlq.retentionSeconds).toBeGreaterThan(longestRetryWindowSeconds);
    });

    it(`${label}: DLQ retention >= queue retention (a dead letter keeps its original enqueue time)`, () => {
      expect(queue.dlq.retentionSeconds).toBeGreaterThanOrEqual(queue.retentionSeconds);
    });

    it(`${label}: a dead letter stays at least a week after the retries end`, () => {
      // Room to notice the DLQ alarm and redrive, even over a long weekend.
      expect(queue.dlq.retentionSeconds - longestRetryWindowSeconds).toBeGreaterThanOrEqual(7 * DAY);
    });

    it(`${label}: retention within SQS limits (60 s..14 days)`, () => {
      for (const r of [queue.retentionSeconds, queue.dlq.retentionSeconds]) {
        expect(r).toBeGreaterThanOrEqual(60);
        expect(r).toBeLessThanOrEqual(SQS_MAX_RETENTION_SECONDS);
      }
    });
  }
});

describe("retry delays", () => {
  it("every delay, with maximum jitter, fits in one SQS visibility timeout (12 h)", () => {
    // The delivery function holds a retry by setting the message's visibility to the delay.
    // Longer waits (Retry-After beyond the schedule's bounds, deliver_at) go through
    // EventBridge Scheduler instead; the default schedule never needs it.
    for (const d of retry.scheduleSeconds) {
      expect(Math.ceil(d * (1 + retry.jitter))).toBeLessThanOrEqual(SQS_MAX_VISIBILITY_SECONDS);
    }
  });

  it("delays are positive and never shrink", () => {
    const list = retry.scheduleSeconds;
    expect(list.length).toBeGreaterThan(0);
    list.forEach((d, i) => {
      expect(d).toBeGreaterThan(0);
      if (i > 0) expect(d).toBeGreaterThanOrEqual(list[i - 1]!);
    });
  });

  it("jitter is a fraction below 1", () => {
    expect(retry.jitter).toBeGreaterThanOrEqual(0);
    expect(retry.jitter).toBeLessThan(1);
  });
});

describe("Lambda SQS event source limits", () => {
  for (const { fn, label } of consumers) {
    it(`${label}: batch size (1..10 without a batching window, else <= 10000)`, () => {
      expect(fn.batchSize).toBeGreaterThanOrEqual(1);
      expect(fn.batchSize).toBeLessThanOrEqual(fn.batchWindowSeconds > 0 ? 10_000 : 10);
    });

    it(`${label}: batching window 0..300 s`, () => {
      expect(fn.batchWindowSeconds).toBeGreaterThanOrEqual(0);
      expect(fn.batchWindowSeconds).toBeLessThanOrEqual(300);
    });

    it(`${label}: maximum concurrency 2..1000`, () => {
      expect(Number.isInteger(fn.maxConcurrency)).toBe(true);
      expect(fn.maxConcurrency).toBeGreaterThanOrEqual(2);
      expect(fn.maxConcurrency).toBeLessThanOrEqual(1000);
    });

    it(`${label}: local long-poll wait 0..20 s`, () => {
      expect(fn.waitTimeSeconds).toBeGreaterThanOrEqual(0);
      expect(fn.waitTimeSeconds).toBeLessThanOrEqual(20);
    });
  }
});

describe("Lambda function limits", () => {
  for (const [name, fn] of Object.entries(functions)) {
    it(`${name}: timeout 1..900 s, memory 128..10240 MB`, () => {
      expect(fn.timeoutSeconds).toBeGreaterThanOrEqual(1);
      expect(fn.timeoutSeconds).toBeLessThanOrEqual(900);
      expect(fn.memoryMb).toBeGreaterThanOrEqual(128);
      expect(fn.memoryMb).toBeLessThanOrEqual(10_240);
    });
  }

  it("api: timeout below API Gateway's 30 s integration limit", () => {
    expect(functions.api.timeoutSeconds).toBeLessThan(30);
  });
});

describe("table", () => {
  it("keys and index keys are distinct attributes", () => {
    const names = [
      table.partitionKey,
      table.sortKey,
      ...Object.values(table.globalIndexes).flatMap((g) => [g.partitionKey, g.sortKey]),
    ];
    expect(new Set(names).size).toBe(names.length);
    expect(names).not.toContain(table.ttlAttribute);
  });
});

describe("message size", () => {
  for (const [label, queue] of Object.entries(queues)) {
    it(`${label}: queue and DLQ set MaximumMessageSize to 1 MiB (the provider default is 256 KiB)`, () => {
      expect(queue.maxMessageBytes).toBe(SQS_MAX_MESSAGE_BYTES);
      expect(SQS_MAX_MESSAGE_BYTES).toBe(1_048_576);
    });
  }

  it("the largest delivery task the API accepts fits in one message", () => {
    // The worst case for escaping: data made of characters that grow most as JSON inside a
    // JSON string (a quote becomes \" in the body and \\\" in the task).
    const unit = JSON.stringify('"').length - 2; // bytes one quote costs inside `data`
    const data = { q: '"'.repeat(Math.floor((MAX_DATA_BYTES - 8) / unit)) };
    expect(Buffer.byteLength(JSON.stringify(data))).toBeLessThanOrEqual(MAX_DATA_BYTES);
    const task = taskFor(
      {
        org_id: `org_${"x".repeat(60)}`,
        id: `msg_${"x".repeat(120)}`,
        type: "t".repeat(128),
        created_at: new Date().toISOString(),
        agent_id: "a".repeat(128),
        data,
      },
      `ep_${"x".repeat(40)}`,
      "event",
    );
    const bytes = Buffer.byteLength(JSON.stringify(task));
    expect(bytes).toBeGreaterThan(2 * MAX_DATA_BYTES); // really the worst case: ×2 or more
    expect(bytes).toBeLessThanOrEqual(queues.delivery.maxMessageBytes);
  });
});
