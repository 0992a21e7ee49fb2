/**
 * The relations between the infrastructure settings (core/config/infra.ts) that AWS either
 * enforces at deploy time or that the retry design depends on. sst.config.ts and the local
 * stack are both built from these values, so checking them here checks both.
 *
 * Then the deployed config itself: sst.config.ts and its infra/ modules run against a
 * recording stand-in of SST, and every queue setting, the scheduler role, the schedule DLQ
 * and every alarm are checked on the resources they would create.
 */
import { describe, expect, it } from "vitest";
import {
  ACCOUNT_CONCURRENCY_FOR_TARGET,
  API_REQUEST_SECONDS,
  batchSeconds,
  CREATE_SCHEDULE_PER_SECOND,
  concurrencyLimits,
  MAX_CONCURRENCY_BOUNDS,
  target,
  targetRates,
} from "../core/config/capacity.js";
import {
  bundle,
  concurrency,
  fanoutSweep,
  functions,
  queues,
  retry,
  SQS_MAX_DELAY_SECONDS,
  SQS_MAX_IN_FLIGHT,
  SQS_MAX_MESSAGE_BYTES,
  SQS_MAX_RETENTION_SECONDS,
  SQS_MAX_VISIBILITY_SECONDS,
  table,
  table as table_,
} from "../core/config/infra.js";
import { loadConfig } from "../core/config/runtime.js";
import { maintenanceEvent } from "../core/delivery/maintenance-event.js";
import { MAX_DATA_BYTES, RETRIES, STUCK_GRACE_MS } from "../core/model/limits.js";
import { taskFor } from "../core/model/task.js";
import { withOwnArn } from "../functions/scheduled.js";
import { deploy, type Recording, unwrap } from "./support/sst-recorder.js";

const DAY = 86_400;

/** Each queue and the function that consumes it. */
const consumers = [
  { queue: queues.ingest, fn: functions.ingest, label: "ingest" },
  { queue: queues.delivery, fn: functions.deliver, label: "delivery" },
  { queue: queues.deliverySlow, fn: functions.deliverSlow, label: "delivery slow lane" },
  { queue: queues.deliveryOrdered, fn: functions.deliverOrdered, label: "ordered delivery" },
] as const;

/** Every function's name as the recorder resolves it, sorted: the alarms and the dashboard cover each. */
const FUNCTION_NAMES = [
  "ApiRoute.functionName",
  "IngestQueueSubscriber.functionName",
  "DeliveryQueueSubscriber.functionName",
  "DeliverySlowQueueSubscriber.functionName",
  "DeliveryOrderedQueueSubscriber.functionName",
  "Scheduled.functionName",
].sort();

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

// ---- the deployed config itself ---------------------------------------------------------------
// sst.config.ts and the infra/ modules, run against a recording stand-in of SST's globals
// (test/support/sst-recorder.ts): what `sst deploy` would create, with the exact args.

/** "90 seconds" -> 90. */
function durationSeconds(d: unknown): number {
  const m = /^(\d+) seconds?$/.exec(String(d));
  if (!m) throw new Error(`not a duration in seconds: ${String(d)}`);
  return Number(m[1]);
}

type Statement = { actions: string[]; resources: unknown[]; conditions?: unknown[] };

/** The parts of the recorded args the tests read (after `unwrap`). */
interface QueueArgs {
  visibilityTimeout?: string;
  dlq?: { queue: string; retry: number };
  transform: { queue: { maxMessageSize: number; messageRetentionSeconds: number } };
}
interface FunctionArgs {
  id: string;
  runtime?: string;
  architecture?: string;
  memory?: string;
  timeout?: string;
  nodejs?: Record<string, unknown>;
  transform?: { function?: unknown };
  environment: Record<string, string>;
  permissions: Statement[];
}
interface SubscriberArgs {
  queue: string;
  fn: FunctionArgs;
  batch: { size: number; window: string; partialResponses: boolean };
  transform: { eventSourceMapping: { scalingConfig: { maximumConcurrency: number } } };
}
interface TableArgs {
  deletionProtection: boolean;
  transform: { table: (args: Record<string, unknown>) => void };
}
interface AlarmArgs {
  name: string;
  alarmDescription: string;
  namespace?: string;
  metricName?: string;
  dimensions?: Record<string, string>;
  statistic?: string;
  extendedStatistic?: string;
  evaluationPeriods: number;
  datapointsToAlarm?: number;
  metricQueries?: {
    id: string;
    expression?: string;
    returnData?: boolean;
    metric?: { namespace: string; metricName: string; dimensions: Record<string, string>; stat: string };
  }[];
  threshold: number;
  comparisonOperator: string;
  treatMissingData: string;
  alarmActions: string[];
  okActions: string[];
}
const statementsOf = (policy: unknown) => (unwrap(policy) as { statements: Statement[] }).statements;

describe("deployed queues (sst.config.ts + infra/queues.ts)", async () => {
  const { rec } = await deploy("dev");
  const queueArgs = (name: string) => unwrap(rec.one("sst.aws.Queue", name).args) as QueueArgs;
  const subscriberOf = (name: string) =>
    unwrap(rec.one("subscriber", `${name}Subscriber`).args) as SubscriberArgs;
  const allQueues = rec.all("sst.aws.Queue");

  it("creates exactly the eight queues: ingest, delivery, slow lane, ordered, their DLQs and the scheduler's", () => {
    expect(allQueues.map((q) => q.name).sort()).toEqual(
      [
        queues.ingest.name,
        queues.ingest.dlq.name,
        queues.delivery.name,
        queues.delivery.dlq.name,
        queues.deliverySlow.name,
        queues.deliveryOrdered.name,
        queues.deliveryOrdered.dlq.name,
        "SchedulerDlq",
      ].sort(),
    );
  });

  it("the ordered queue and its DLQ are FIFO in high-throughput mode (dedup and throughput per message group)", () => {
    for (const name of ["DeliveryOrderedQueue", "DeliveryOrderedDlq"]) {
      const q = queueArgs(name) as QueueArgs & { fifo?: boolean };
      expect(q.fifo).toBe(true);
      expect(q.transform.queue).toMatchObject({
        deduplicationScope: "messageGroup",
        fifoThroughputLimit: "perMessageGroupId",
      });
    }
    for (const name of ["IngestQueue", "DeliveryQueue", "DeliverySlowQueue"])
      expect((queueArgs(name) as QueueArgs & { fifo?: boolean }).fifo).toBeUndefined();
  });

  for (const name of [
    "IngestQueue",
    "IngestDlq",
    "DeliveryQueue",
    "DeliveryDlq",
    "DeliverySlowQueue",
    "DeliveryOrderedQueue",
    "DeliveryOrderedDlq",
    "SchedulerDlq",
  ]) {
    it(`${name}: MaximumMessageSize 1 MiB and 14 days' retention, set explicitly`, () => {
      const q = queueArgs(name);
      expect(q.transform.queue.maxMessageSize).toBe(1_048_576);
      expect(q.transform.queue.messageRetentionSeconds).toBe(SQS_MAX_RETENTION_SECONDS);
    });
  }

  for (const { queue, fn, label } of consumers) {
    it(`${label}: visibility, redrive and consumer exactly as in core/config/infra.ts`, () => {
      const q = queueArgs(queue.name);
      expect(durationSeconds(q.visibilityTimeout)).toBe(queue.visibilityTimeoutSeconds);
      expect(q.dlq).toEqual({ queue: `${queue.dlq.name}.arn`, retry: queue.maxReceiveCount });
      const sub = subscriberOf(queue.name);
      expect(durationSeconds(sub.fn.timeout)).toBe(fn.timeoutSeconds);
      expect(sub.fn.memory).toBe(`${fn.memoryMb} MB`);
      expect(sub.batch).toEqual({
        size: fn.batchSize,
        window: `${fn.batchWindowSeconds} seconds`,
        partialResponses: true,
      });
      expect(sub.transform.eventSourceMapping.scalingConfig.maximumConcurrency).toBe(fn.maxConcurrency);
    });

    it(`${label}: deployed visibility >= 6x the deployed consumer timeout + batching window`, () => {
      const sub = subscriberOf(queue.name);
      const visibility = durationSeconds(queueArgs(queue.name).visibilityTimeout);
      expect(visibility).toBeGreaterThanOrEqual(
        6 * durationSeconds(sub.fn.timeout) + durationSeconds(sub.batch.window),
      );
    });
  }

  it("the slow lane redrives to the delivery DLQ, the ordered queue to its FIFO DLQ; DLQs redrive nowhere", () => {
    expect(queueArgs("DeliverySlowQueue").dlq?.queue).toBe("DeliveryDlq.arn");
    expect(queueArgs("DeliveryOrderedQueue").dlq?.queue).toBe("DeliveryOrderedDlq.arn");
    for (const name of ["IngestDlq", "DeliveryDlq", "DeliveryOrderedDlq", "SchedulerDlq"])
      expect(queueArgs(name).dlq).toBeUndefined();
  });

  it("every queue has exactly one consumer or none (DLQs), as SQS event sources require", () => {
    const consumed = rec.all("subscriber").map((s) => s.args.queue);
    expect(consumed.sort()).toEqual([
      "DeliveryOrderedQueue",
      "DeliveryQueue",
      "DeliverySlowQueue",
      "IngestQueue",
    ]);
  });
});

describe("retained in production (infra/stage.ts)", async () => {
  const prod = await deploy("production");
  const dev = await deploy("dev");
  const kept = (rec: Recording) =>
    rec.resources.filter((r) => (r.opts as { retainOnDelete?: boolean } | undefined)?.retainOnDelete);

  it("queues, the schedule group, the scheduler role and the KMS key survive `sst remove` in production only", () => {
    expect(
      kept(prod.rec)
        .map((r) => `${r.kind} ${r.name}`)
        .sort(),
    ).toEqual(
      [
        ...prod.rec.all("sst.aws.Queue").map((q) => `sst.aws.Queue ${q.name}`),
        "aws.iam.Role SchedulerRole",
        "aws.kms.Key SecretsKey",
        "aws.scheduler.ScheduleGroup ScheduleGroup",
      ].sort(),
    );
    expect(kept(dev.rec)).toEqual([]);
  });

  it("the app retains the table and refuses `sst remove` in production", () => {
    expect(prod.config.app({ stage: "production" })).toMatchObject({ removal: "retain", protect: true });
    expect(dev.config.app({ stage: "dev" })).toMatchObject({ removal: "remove", protect: false });
    const table = unwrap(prod.rec.one("sst.aws.Dynamo", table_.name).args) as TableArgs;
    expect(table.deletionProtection).toBe(true);
    const pitr: Record<string, unknown> = {};
    table.transform.table(pitr);
    expect(pitr.pointInTimeRecovery).toEqual({ enabled: true, recoveryPeriodInDays: 35 });
  });
});

describe("scheduler role and schedule DLQ (infra/scheduler.ts)", async () => {
  const { rec } = await deploy("dev");
  const role = rec.one("aws.iam.Role", "SchedulerRole");
  const rolePolicies = rec.all("aws.iam.RolePolicy");

  it("one policy mechanism: RolePolicy resources only, no inline or managed policies on the role", () => {
    expect(role.args).not.toHaveProperty("inlinePolicies");
    expect(role.args).not.toHaveProperty("managedPolicyArns");
    expect(rec.all("aws.iam.RolePolicyAttachment")).toEqual([]);
    expect(rolePolicies.map((p) => p.name).sort()).toEqual([
      "SchedulerInvokeScheduled",
      "SchedulerSendToQueues",
    ]);
    for (const p of rolePolicies) expect(unwrap(p.args.role)).toBe("SchedulerRole.id");
  });

  it("only EventBridge Scheduler, for this account's group, may assume it", () => {
    const [trust] = statementsOf(role.args.assumeRolePolicy);
    expect(trust).toMatchObject({
      actions: ["sts:AssumeRole"],
      principals: [{ type: "Service", identifiers: ["scheduler.amazonaws.com"] }],
    });
    expect(trust!.conditions).toEqual([
      { test: "StringEquals", variable: "aws:SourceAccount", values: ["123456789012"] },
      {
        test: "ArnEquals",
        variable: "aws:SourceArn",
        values: ["arn:aws:scheduler:us-east-1:123456789012:schedule-group/ScheduleGroup"],
      },
    ]);
  });

  it("schedules may send to the ingest and delivery queues and the schedule DLQ, and invoke the scheduled function", () => {
    const send = statementsOf(rec.one("aws.iam.RolePolicy", "SchedulerSendToQueues").args.policy);
    expect(send).toEqual([
      {
        actions: ["sqs:SendMessage"],
        resources: ["IngestQueue.arn", "DeliveryQueue.arn", "SchedulerDlq.arn"],
      },
    ]);
    const invoke = statementsOf(rec.one("aws.iam.RolePolicy", "SchedulerInvokeScheduled").args.policy);
    expect(invoke).toEqual([{ actions: ["lambda:InvokeFunction"], resources: ["Scheduled.arn"] }]);
  });

  it("the fan-out sweep runs every minute: a rate schedule in the group invoking the scheduled function as the role", () => {
    const sweep = rec.one("aws.scheduler.Schedule", "FanoutSweep").args as {
      groupName: unknown;
      scheduleExpression: string;
      flexibleTimeWindow: { mode: string };
      target: { arn: unknown; roleArn: unknown; input: string };
    };
    expect(fanoutSweep.everyMinutes).toBe(1);
    expect(sweep.scheduleExpression).toBe("rate(1 minute)");
    expect(sweep.flexibleTimeWindow).toEqual({ mode: "OFF" });
    expect(unwrap(sweep.groupName)).toBe("ScheduleGroup.name");
    expect(unwrap(sweep.target.arn)).toBe("Scheduled.arn");
    expect(unwrap(sweep.target.roleArn)).toBe("SchedulerRole.arn");
    // The body is a maintenance event the scheduled function accepts, and the sweep's kind.
    expect(maintenanceEvent.parse(JSON.parse(sweep.target.input))).toEqual({ kind: "fanout.sweep" });
    // Within the grace: an interrupted fan-out waits at most the grace plus one period.
    expect(fanoutSweep.everyMinutes * 60_000).toBeLessThan(STUCK_GRACE_MS);
  });

  it("every function knows the schedule DLQ (SCHEDULER_DLQ_ARN) and may only manage schedules of its group", () => {
    for (const fn of functionsOf(rec)) {
      expect(fn.environment.SCHEDULER_DLQ_ARN).toBe("SchedulerDlq.arn");
      const scheduling = (fn.permissions as Statement[]).find((s) =>
        s.actions.includes("scheduler:CreateSchedule"),
      );
      expect(scheduling?.resources).toEqual([
        "arn:aws:scheduler:us-east-1:123456789012:schedule/ScheduleGroup/*",
      ]);
    }
  });
});

const OWN_ARN = "arn:aws:lambda:us-east-1:123456789012:function:hookrelay-dev-Scheduled";

/** Every function's args (the scheduled one, the API route, the three consumers), transforms applied. */
function functionsOf(rec: Recording): FunctionArgs[] {
  const fns = [
    ...rec.all("sst.aws.Function").map((f) => ({ id: f.name, ...(unwrap(f.args) as object) })),
    ...rec.all("route").map((r) => ({ id: r.name, ...(unwrap(r.args.fn) as object) })),
    ...rec.all("subscriber").map((s) => ({ id: s.name, ...(unwrap(s.args.fn) as object) })),
  ] as FunctionArgs[];
  for (const fn of fns) {
    for (const t of rec.transforms)
      if (t.kind === "sst.aws.Function") t.fn(fn as unknown as Record<string, unknown>);
  }
  return fns;
}

describe("functions (infra/functions.ts, infra/api.ts, infra/access.ts)", async () => {
  const { rec } = await deploy("dev");
  const fns = functionsOf(rec);

  it("only the three delivery functions may assume customers' roles, with a hookrelay external id, never this account's (docs/destinations.md)", () => {
    for (const fn of fns) {
      const assume = (fn.permissions as Statement[]).filter((s) =>
        s.actions.some((a) => a.startsWith("sts:")),
      );
      const delivering = [
        "DeliveryQueueSubscriber",
        "DeliverySlowQueueSubscriber",
        "DeliveryOrderedQueueSubscriber",
      ];
      if (delivering.includes(fn.id)) {
        expect(assume.map((s) => unwrap(s) as Statement)).toEqual([
          {
            actions: ["sts:AssumeRole"],
            resources: ["arn:aws:iam::*:role/*"],
            conditions: [
              { test: "StringLike", variable: "sts:ExternalId", values: ["hookrelay-*"] },
              { test: "StringNotEquals", variable: "aws:ResourceAccount", values: ["123456789012"] },
            ],
          },
        ]);
      } else expect(assume, fn.id).toEqual([]);
      // Every function can show the trust policy (the API) or needs the account: the same one.
      expect(fn.environment.HOOKRELAY_ACCOUNT_ID).toBe("123456789012");
    }
  });

  const FUNCTION_IDS = [
    "Api$default",
    "DeliveryOrderedQueueSubscriber",
    "DeliveryQueueSubscriber",
    "DeliverySlowQueueSubscriber",
    "IngestQueueSubscriber",
    "Scheduled",
  ];

  it("every function has X-Ray active tracing and may write its segments (docs/tracing.md)", () => {
    for (const fn of fns) {
      const lambdaArgs: Record<string, unknown> = { tracingConfig: { mode: "PassThrough" } };
      const transform = fn.transform?.function as (a: Record<string, unknown>, o: unknown, n: string) => void;
      transform(lambdaArgs, {}, fn.id);
      expect(lambdaArgs.tracingConfig, fn.id).toEqual({ mode: "Active" });
      const xray = fn.permissions.find((s) => s.actions.includes("xray:PutTraceSegments"));
      expect(xray, fn.id).toEqual({
        actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
        resources: ["*"],
      });
      // The spans' sample (core/log/xray-tracer.ts): 1 % unless the deploy says otherwise.
      expect(fn.environment.TRACE_SAMPLE_PERCENT, fn.id).toBe("1");
    }
  });

  it("six functions: scheduled work, API, ingest, delivery, slow-lane and ordered delivery", () => {
    expect(fns.map((f) => f.id).sort()).toEqual(FUNCTION_IDS);
  });

  for (const id of FUNCTION_IDS) {
    it(`${id}: arm64, nodejs24.x, minified with the shared externals, and an environment core/config/runtime.ts accepts`, () => {
      const fn = fns.find((f) => f.id === id)!;
      expect(fn).toMatchObject({ runtime: "nodejs24.x", architecture: "arm64" });
      // A function's own `nodejs` replaces SST's default entirely: each must carry the bundling.
      expect(fn.nodejs).toMatchObject({
        minify: true,
        splitting: bundle.splitting,
        plugins: bundle.plugins,
        esbuild: { external: [...bundle.external] },
      });
      // The scheduled function reads its own ARN from the invocation's context (functions/scheduled.ts).
      const env =
        id === "Scheduled" ? withOwnArn(fn.environment, { invokedFunctionArn: OWN_ARN }) : fn.environment;
      const config = loadConfig({ ...env, AWS_REGION: "us-east-1" });
      expect(config.scheduler.maintenanceFunctionArn).toBe(id === "Scheduled" ? OWN_ARN : "Scheduled.arn");
      expect(config.scheduler.dlqArn).toBe("SchedulerDlq.arn");
      expect(config.queues.deliverySlow).toBe("DeliverySlowQueue.url");
    });
  }
});

describe("alarms (infra/alarms.ts): only the service's own failures page", async () => {
  const { rec, outputs } = await deploy("dev", { ALERT_EMAIL: "ops@example.com" });
  const alarms = new Map(
    rec.all("aws.cloudwatch.MetricAlarm").map((a) => [a.name, unwrap(a.args) as AlarmArgs]),
  );
  const alarm = (name: string) => {
    const a = alarms.get(name);
    if (!a) throw new Error(`no alarm ${name}`);
    return a;
  };

  it("every alarm is named after the app and the stage, and reports to the Alerts topic, both ways", () => {
    expect(alarms.size).toBeGreaterThan(0);
    for (const [id, a] of alarms) {
      expect(a.name).toBe(`hookrelay-dev-${id}`);
      expect(a.alarmActions).toEqual(["Alerts.arn"]);
      expect(a.okActions).toEqual(["Alerts.arn"]);
      expect(a.treatMissingData).toBe("notBreaching");
      expect(a.alarmDescription).toBeTruthy();
    }
    expect(outputs.alertsTopicArn).toBe("Alerts.arn");
  });

  it("the topic mails ALERT_EMAIL, and the subscription outlives a later deploy without it", async () => {
    const sub = rec.one("aws.sns.TopicSubscription", "AlertsEmail");
    expect(unwrap(sub.args)).toEqual({ topic: "Alerts.arn", protocol: "email", endpoint: "ops@example.com" });
    // Pulumi deletes what a program stops declaring unless it is retained.
    expect(sub.opts).toMatchObject({ retainOnDelete: true });
    const later = await deploy("dev");
    expect(later.rec.all("aws.sns.TopicSubscription")).toEqual([]);
  });

  it("a production stage's alarms carry its own name", async () => {
    const prod = await deploy("production");
    const names = prod.rec.all("aws.cloudwatch.MetricAlarm").map((a) => unwrap(a.args.name) as string);
    expect(names.length).toBe(alarms.size);
    for (const n of names) expect(n).toMatch(/^hookrelay-production-/);
  });

  it("the retries customers' endpoints exhausted (the delivery DLQ) page nobody", () => {
    const onDeliveryDlq = [...alarms.values()].filter(
      (a) => a.dimensions?.QueueName === "DeliveryDlq.queueName",
    );
    expect(onDeliveryDlq).toEqual([]);
    expect([...alarms.values()].map((a) => a.metricName)).not.toContain("DeliveryDeadLettered");
  });

  for (const [name, queue] of [
    ["IngestDlqDepth", "IngestDlq"],
    ["SchedulerDlqDepth", "SchedulerDlq"],
    ["DeliveryOrderedDlqDepth", "DeliveryOrderedDlq"],
  ]) {
    it(`${name}: any message in ${queue}`, () => {
      expect(alarm(name!)).toMatchObject({
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: `${queue}.queueName` },
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
      });
    });
  }

  for (const [id, queue] of [
    ["Ingest", "IngestQueue"],
    ["Delivery", "DeliveryQueue"],
    ["DeliverySlow", "DeliverySlowQueue"],
  ]) {
    it(`${id}: in-flight above 80 % of the SQS cap, and the oldest message's age`, () => {
      expect(alarm(`${id}InFlightHigh`)).toMatchObject({
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesNotVisible",
        dimensions: { QueueName: `${queue}.queueName` },
        threshold: Math.floor(0.8 * SQS_MAX_IN_FLIGHT),
        comparisonOperator: "GreaterThanThreshold",
      });
      expect(SQS_MAX_IN_FLIGHT).toBe(120_000);
      const oldest = alarm(`${id}OldestMessage`);
      expect(oldest).toMatchObject({
        namespace: "AWS/SQS",
        metricName: "ApproximateAgeOfOldestMessage",
        dimensions: { QueueName: `${queue}.queueName` },
        comparisonOperator: "GreaterThanThreshold",
      });
      // Waits beyond 15 min never sit on a queue, so an older message means a stall.
      expect(oldest.threshold).toBeGreaterThan(SQS_MAX_DELAY_SECONDS);
      expect(oldest.threshold).toBeLessThanOrEqual(SQS_MAX_DELAY_SECONDS + 5 * 60);
    });
  }

  it("DynamoDB throttled reads and writes on the table and on each of its indexes", () => {
    const targets: [string, Record<string, string>][] = [
      ["Table", { TableName: `${table_.name}.name` }],
      ...Object.keys(table_.globalIndexes).map(
        (index) =>
          [`Table${index}`, { TableName: `${table_.name}.name`, GlobalSecondaryIndexName: index }] as [
            string,
            Record<string, string>,
          ],
      ),
    ];
    expect(targets.length).toBe(1 + 2);
    for (const [id, dimensions] of targets) {
      for (const metricName of ["ReadThrottleEvents", "WriteThrottleEvents"]) {
        expect(alarm(`${id}${metricName}`)).toEqual(
          expect.objectContaining({
            namespace: "AWS/DynamoDB",
            metricName,
            dimensions,
            statistic: "Sum",
            threshold: 0,
          }),
        );
      }
    }
  });

  it("scheduler target errors and throttles and dropped invocations in the group; throttled invocations in the account", () => {
    for (const metricName of ["TargetErrorCount", "TargetErrorThrottledCount", "InvocationDroppedCount"]) {
      expect(alarm(`Scheduler${metricName}`)).toMatchObject({
        namespace: "AWS/Scheduler",
        metricName,
        dimensions: { ScheduleGroup: "ScheduleGroup.name" },
        statistic: "Sum",
        threshold: 0,
      });
    }
    const quota = alarm("SchedulerInvocationThrottleCount");
    expect(quota).toMatchObject({
      namespace: "AWS/Scheduler",
      metricName: "InvocationThrottleCount",
      threshold: 0,
    });
    expect(quota.dimensions).toBeUndefined();
  });

  it("errors and throttles of every function: one Lambda alarm of each per function, none unwatched", () => {
    const watched = (metricName: string) =>
      [...alarms.values()]
        .filter((a) => a.namespace === "AWS/Lambda" && a.metricName === metricName)
        .map((a) => {
          expect(a).toMatchObject({ statistic: "Sum", threshold: 0 });
          return a.dimensions!.FunctionName;
        })
        .sort();
    expect(watched("Errors")).toEqual(FUNCTION_NAMES);
    expect(watched("Throttles")).toEqual(FUNCTION_NAMES);
    expect(functionsOf(rec)).toHaveLength(FUNCTION_NAMES.length);
  });

  it("API: 5xx above 1 % of at least 20 requests in 5 min, and p99 latency above 2 s for 15 min", () => {
    const rate = alarm("Api5xxRate");
    expect(rate).toMatchObject({ threshold: 1, comparisonOperator: "GreaterThanThreshold" });
    expect(rate.metricName).toBeUndefined(); // metric math: no metric of its own
    const queries = rate.metricQueries!;
    expect(queries.map((m) => m.metric?.metricName ?? m.expression)).toEqual([
      "5xx",
      "Count",
      "IF(requests >= 20, 100 * errors / requests, 0)",
    ]);
    for (const m of queries.slice(0, 2))
      expect(m.metric).toMatchObject({
        namespace: "AWS/ApiGateway",
        dimensions: { ApiId: "Api.apiId" },
        stat: "Sum",
      });
    expect(queries.filter((m) => m.returnData).map((m) => m.id)).toEqual(["rate"]);
    expect(alarm("ApiLatencyP99")).toMatchObject({
      namespace: "AWS/ApiGateway",
      metricName: "Latency",
      dimensions: { ApiId: "Api.apiId" },
      extendedStatistic: "p99",
      threshold: 2000,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
    });
  });

  it("the delivery function's own failures, read from the stage's metrics namespace", () => {
    for (const id of ["DeliveryTaskInvalid", "DeliveryHandlerErrors"]) {
      expect(alarm(id)).toMatchObject({
        namespace: "hookrelay/dev",
        dimensions: { service: "hookrelay" },
        statistic: "Sum",
        threshold: 0,
      });
    }
    expect(alarm("DeliveryTaskInvalid").metricName).toBe("DeliveryTaskInvalid");
    expect(alarm("DeliveryHandlerErrors")).toMatchObject({
      metricName: "DeliveryHandlerError",
      datapointsToAlarm: 3,
    });
    expect(alarm("ScheduledRunsFailing")).toMatchObject({
      namespace: "hookrelay/dev",
      metricName: "ScheduledRunRetried",
      statistic: "Sum",
      threshold: 0,
      evaluationPeriods: 12,
      datapointsToAlarm: 12,
    });
  });

  it("every function publishes its metrics in the stage's namespace, under the service the alarms watch", () => {
    for (const fn of functionsOf(rec)) {
      expect(fn.environment.POWERTOOLS_METRICS_NAMESPACE).toBe("hookrelay/dev");
      expect(fn.environment.SERVICE_NAME).toBe("hookrelay");
    }
  });

  it("no other alarms than those above", () => {
    // DLQs 3, functions 6 x 2, queues 3 x 2, table and indexes 3 x 2, scheduler 4, API 2,
    // delivery 2, scheduled endpoint runs 1.
    expect(alarms.size).toBe(3 + 12 + 6 + 6 + 4 + 2 + 2 + 1);
  });
});

describe("dashboard (infra/dashboard.ts)", async () => {
  const { rec, outputs } = await deploy("dev");
  const dash = rec.one("aws.cloudwatch.Dashboard", "Dashboard");
  const body = JSON.parse(unwrap(dash.args.dashboardBody) as string) as {
    widgets: { properties: { title: string; region: string; metrics: unknown[][] } }[];
  };
  const metricsOf = (title: string) => {
    const w = body.widgets.find((x) => x.properties.title === title);
    if (!w) throw new Error(`no widget ${title}`);
    return w.properties.metrics;
  };

  it("is named after the stage and is an output", () => {
    expect(unwrap(dash.args.dashboardName)).toBe("hookrelay-dev-operations");
    expect(outputs.dashboard).toBe("hookrelay-dev-operations");
  });

  it("shows the delivery figures from the stage's namespace, retries exhausted among them", () => {
    const names = metricsOf("Deliveries").map((m) => `${m[0]} ${m[1]}`);
    expect(names).toContain("hookrelay/dev DeliverySucceeded");
    expect(names).toContain("hookrelay/dev DeliveryDeadLettered");
    expect(names).toContain("hookrelay/dev DeliveryAttemptFailed");
  });

  it("shows every function and every queue, the ordered lane's FIFO queue among them", () => {
    const fns = metricsOf("Function invocations").map((m) => m[3]);
    expect(fns.sort()).toEqual(FUNCTION_NAMES);
    for (const title of [
      "Queue depth (visible)",
      "In flight (SQS cap 120,000; FIFO 20,000)",
      "Age of the oldest message (s)",
    ])
      expect(metricsOf(title).map((m) => m[3])).toEqual([
        "IngestQueue.queueName",
        "DeliveryQueue.queueName",
        "DeliverySlowQueue.queueName",
        "DeliveryOrderedQueue.queueName",
      ]);
    expect(metricsOf("Dead-letter queues").map((m) => m[3])).toEqual([
      "IngestDlq.queueName",
      "DeliveryDlq.queueName",
      "SchedulerDlq.queueName",
      "DeliveryOrderedDlq.queueName",
    ]);
  });

  it("every widget names its region and the widgets do not overlap", () => {
    const cells = new Set<string>();
    for (const w of body.widgets as unknown as { x: number; y: number; properties: { region: string } }[]) {
      expect(w.properties.region).toBe("us-east-1");
      const cell = `${w.x},${w.y}`;
      expect(cells.has(cell)).toBe(false);
      cells.add(cell);
    }
  });
});

// ---- capacity: concurrency sized for 10,000 events/s (core/config/capacity.ts) -----------------

describe("concurrency sized for the target traffic (core/config/capacity.ts)", () => {
  const rates = targetRates();
  const sized = [
    ["ingest", functions.ingest, rates.ingest, batchSeconds.ingest],
    ["delivery", functions.deliver, rates.deliver, batchSeconds.deliver],
    ["delivery slow lane", functions.deliverSlow, rates.deliverSlow, batchSeconds.deliverSlow],
    ["ordered delivery", functions.deliverOrdered, rates.deliverOrdered, batchSeconds.deliverOrdered],
  ] as const;

  it("the target is 10,000 events/s", () => {
    expect(target.eventsPerSecond).toBe(10_000);
    expect(rates.ingest).toBe(10_000);
    expect(rates.deliver + rates.deliverSlow).toBe(10_000 * target.meanFanout);
  });

  for (const [label, fn, rate, seconds] of sized) {
    it(`${label}: at its maximum concurrency it carries its share of the target with the headroom, or Lambda's maximum`, () => {
      // Little's law: records/s = concurrency × batch size ÷ batch time.
      const carried = (fn.maxConcurrency * fn.batchSize) / seconds;
      // The delivery lane's need is above Lambda's maximum (capacity.ts): it carries its rate, with less headroom.
      if (fn.maxConcurrency === MAX_CONCURRENCY_BOUNDS.max) expect(carried).toBeGreaterThanOrEqual(rate);
      else expect(carried).toBeGreaterThanOrEqual(rate * target.headroom);
      // ... and asks for no more than one invocation beyond it.
      expect(((fn.maxConcurrency - 1) * fn.batchSize) / seconds).toBeLessThan(rate * target.headroom);
    });
  }

  it("every mapping at its maximum plus the API's reservation fits the account quota the docs ask for", () => {
    const total =
      functions.ingest.maxConcurrency +
      functions.deliver.maxConcurrency +
      functions.deliverSlow.maxConcurrency +
      functions.deliverOrdered.maxConcurrency +
      concurrency.apiReserved;
    // AWS keeps 100 of the account's concurrency unreserved; the scheduled function runs there.
    expect(total + 100).toBeLessThanOrEqual(ACCOUNT_CONCURRENCY_FOR_TARGET);
    expect(concurrency.apiReserved).toBeGreaterThan(0);
  });

  it("the API's reservation carries the target's events published over HTTP, one a request, with the headroom", () => {
    const carries = concurrency.apiReserved / API_REQUEST_SECONDS;
    expect(carries).toBeGreaterThanOrEqual(target.eventsPerSecond * target.headroom);
    expect(concurrency.apiReserved).toBe(450);
  });

  it("deploy-time variables replace the defaults; values AWS would refuse fail the deploy", () => {
    expect(concurrencyLimits(concurrency, {})).toEqual(concurrency);
    expect(
      concurrencyLimits(concurrency, {
        INGEST_MAX_CONCURRENCY: "300",
        DELIVER_MAX_CONCURRENCY: "1000",
        DELIVER_SLOW_MAX_CONCURRENCY: "2",
        DELIVER_ORDERED_MAX_CONCURRENCY: "50",
        API_RESERVED_CONCURRENCY: "0",
      }),
    ).toEqual({ ingest: 300, deliver: 1000, deliverSlow: 2, deliverOrdered: 50, apiReserved: 0 });
    for (const [name, value] of [
      ["DELIVER_MAX_CONCURRENCY", "1001"],
      ["INGEST_MAX_CONCURRENCY", "1"],
      ["DELIVER_SLOW_MAX_CONCURRENCY", "ten"],
      ["DELIVER_ORDERED_MAX_CONCURRENCY", "0"],
      ["API_RESERVED_CONCURRENCY", "-1"],
      ["API_RESERVED_CONCURRENCY", "2.5"],
    ] as const) {
      expect(() => concurrencyLimits(concurrency, { [name]: value })).toThrow(name);
    }
  });
});

describe("deployed concurrency (infra/functions.ts, infra/api.ts)", async () => {
  const maxOf = (rec: Recording, queue: string) =>
    (unwrap(rec.one("subscriber", `${queue}Subscriber`).args) as SubscriberArgs).transform.eventSourceMapping
      .scalingConfig.maximumConcurrency;
  const apiFn = (rec: Recording) =>
    unwrap(rec.one("route", "Api$default").args.fn) as { concurrency?: { reserved: number } };

  it("defaults: each mapping's maximum concurrency, and the API's reserved concurrency", async () => {
    const { rec } = await deploy("dev");
    expect(maxOf(rec, "IngestQueue")).toBe(concurrency.ingest);
    expect(maxOf(rec, "DeliveryQueue")).toBe(concurrency.deliver);
    expect(maxOf(rec, "DeliverySlowQueue")).toBe(concurrency.deliverSlow);
    expect(maxOf(rec, "DeliveryOrderedQueue")).toBe(concurrency.deliverOrdered);
    expect(apiFn(rec).concurrency).toEqual({ reserved: concurrency.apiReserved });
    // Only the API reserves: a reservation on a consumer would be taken from the API's pool too.
    const reserving = functionsOf(rec).filter((f) => (f as { concurrency?: unknown }).concurrency);
    expect(reserving.map((f) => f.id)).toEqual(["Api$default"]);
  });

  it("overridden at deploy time; API_RESERVED_CONCURRENCY=0 reserves nothing (small accounts)", async () => {
    const { rec } = await deploy("dev", {
      DELIVER_MAX_CONCURRENCY: "900",
      DELIVER_SLOW_MAX_CONCURRENCY: "20",
      DELIVER_ORDERED_MAX_CONCURRENCY: "30",
      API_RESERVED_CONCURRENCY: "0",
    });
    expect(maxOf(rec, "DeliveryQueue")).toBe(900);
    expect(maxOf(rec, "DeliverySlowQueue")).toBe(20);
    expect(maxOf(rec, "DeliveryOrderedQueue")).toBe(30);
    expect(maxOf(rec, "IngestQueue")).toBe(concurrency.ingest);
    expect(apiFn(rec).concurrency).toBeUndefined();
  });

  it("every delivery process's share of CreateSchedule: all of them at once, with their bursts, stay under the quota", async () => {
    const envs: Record<string, string>[] = [
      {},
      { DELIVER_MAX_CONCURRENCY: "1000", DELIVER_SLOW_MAX_CONCURRENCY: "1000" },
    ];
    for (const env of envs) {
      const { rec } = await deploy("dev", env);
      const instances = maxOf(rec, "DeliveryQueue") + maxOf(rec, "DeliverySlowQueue");
      for (const queue of ["DeliveryQueue", "DeliverySlowQueue"]) {
        const fn = (unwrap(rec.one("subscriber", `${queue}Subscriber`).args) as SubscriberArgs).fn;
        const share = loadConfig({ ...fn.environment, AWS_REGION: "us-east-1" }).scheduler.retriesPerSecond;
        // A token bucket asks for at most twice its rate in any one second (rate + a full burst).
        expect(2 * share * instances).toBeLessThanOrEqual(CREATE_SCHEDULE_PER_SECOND);
        expect(share).toBeGreaterThan(0);
      }
    }
  });
});

describe("scheduled function: asynchronous invokes never dropped (infra/functions.ts)", async () => {
  const { rec } = await deploy("dev");

  it("a run that fails Lambda's two retries goes to the scheduler's DLQ (on-failure destination)", () => {
    const config = unwrap(rec.one("aws.lambda.FunctionEventInvokeConfig", "ScheduledOnFailure").args);
    expect(config).toEqual({
      functionName: "Scheduled.name",
      maximumRetryAttempts: 2,
      destinationConfig: { onFailure: { destination: "SchedulerDlq.arn" } },
    });
  });

  it("its role may send to that DLQ, and no variable is added after it was created", () => {
    const scheduled = functionsOf(rec).find((f) => f.id === "Scheduled")!;
    const send = scheduled.permissions.find((s) => s.actions.includes("sqs:SendMessage"));
    expect(send?.resources).toContain("SchedulerDlq.arn");
    expect(scheduled.environment.MAINTENANCE_FUNCTION_ARN).toBeUndefined();
  });

  it("its own ARN comes from the invocation's context, without a version or alias", () => {
    expect(withOwnArn({}, { invokedFunctionArn: `${OWN_ARN}:live` }).MAINTENANCE_FUNCTION_ARN).toBe(OWN_ARN);
    expect(withOwnArn({ MAINTENANCE_FUNCTION_ARN: "x" }, { invokedFunctionArn: OWN_ARN })).toEqual({
      MAINTENANCE_FUNCTION_ARN: "x",
    });
  });
});

describe("operational events bus (infra/operational.ts)", async () => {
  const { rec, outputs } = await deploy("dev");
  const bus = rec.one("aws.cloudwatch.EventBus", "OperationalEvents");

  it("a bus of the stage's own, named after it, and an output", () => {
    expect(unwrap(bus.args)).toEqual({ name: "hookrelay-dev-operational" });
    expect(outputs.operationalEventBus).toBe("hookrelay-dev-operational");
  });

  it("every function knows the bus and may put events on it, and on no other bus", () => {
    for (const fn of functionsOf(rec)) {
      expect(fn.environment.OPERATIONAL_EVENT_BUS).toBe("hookrelay-dev-operational");
      const put = (fn.permissions as Statement[]).filter((s) =>
        s.actions.some((a) => a.startsWith("events:")),
      );
      expect(put).toEqual([{ actions: ["events:PutEvents"], resources: ["OperationalEvents.arn"] }]);
      expect(loadConfig({ ...fn.environment, AWS_REGION: "us-east-1" }).operationalBus).toBe(
        "hookrelay-dev-operational",
      );
    }
  });
});
