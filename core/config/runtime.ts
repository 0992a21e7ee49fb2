/**
 * Runtime configuration, read once from the environment at cold start.
 *
 * The same variables drive Lambda (set by `sst.config.ts`) and the local stack (set by
 * `local/`). Everything has a production-safe default: private targets and plain-http
 * localhost are off unless a deployment turns them on.
 */
import * as z from "zod";
import { DEFAULT_MAX_ENDPOINTS_PER_ORG, partitionOf } from "../model/index.js";
import { retrySchedulesPerInstance } from "./capacity.js";
import { concurrency, isolation, retention, retry } from "./infra.js";
import { SQS_MAX_RETENTION_SECONDS } from "./sqs-limits.js";

const flag = z
  .enum(["true", "false", "1", "0"])
  .optional()
  .transform((v) => v === "true" || v === "1");

/** A flag that is on unless set to false or 0. */
const onUnlessOff = z
  .enum(["true", "false", "1", "0"])
  .optional()
  .transform((v) => v !== "false" && v !== "0");

const seconds = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === "") return undefined;
    const list = v.split(",").map((s) => Number(s.trim()));
    if (list.some((n) => !Number.isFinite(n) || n < 0)) {
      ctx.addIssue({ code: "custom", message: "must be a comma-separated list of seconds" });
      return z.NEVER;
    }
    return list;
  });

const envSchema = z.object({
  AWS_REGION: z.string().default("us-east-1"),
  TABLE_NAME: z.string().min(1),
  INGEST_QUEUE_URL: z.string().min(1),
  INGEST_DLQ_URL: z.string().min(1),
  DELIVERY_QUEUE_URL: z.string().min(1),
  DELIVERY_DLQ_URL: z.string().min(1),
  /** The slow lane's queue; unset = no slow lane (slow endpoints stay on the delivery queue). */
  DELIVERY_SLOW_QUEUE_URL: z.string().optional(),
  /** The ordered endpoints' FIFO queue; unset = no ordered delivery (endpoints may not ask for it). */
  DELIVERY_ORDERED_QUEUE_URL: z.string().optional(),
  /** Emulator endpoints; unset on AWS. */
  DYNAMODB_ENDPOINT: z.string().optional(),
  SQS_ENDPOINT: z.string().optional(),
  /**
   * The local stack's emulator for AWS destinations (docs/destinations.md): every aws_* client
   * talks to it and no role is assumed. Configuration only, never an endpoint's input; unset on AWS.
   */
  AWS_DESTINATION_ENDPOINT: z.string().optional(),
  /** The account hookrelay runs in: customers' trust policies name it (set by `sst deploy`). */
  HOOKRELAY_ACCOUNT_ID: z
    .string()
    .regex(/^\d{12}$/)
    .optional(),
  /** `eventbridge` on AWS; `local` stores due items in DynamoDB and polls them. */
  SCHEDULER_MODE: z.enum(["eventbridge", "local"]).default("eventbridge"),
  SCHEDULE_GROUP: z.string().optional(),
  SCHEDULER_ROLE_ARN: z.string().optional(),
  /** Where EventBridge Scheduler puts an invocation it gave up on (alarmed). */
  SCHEDULER_DLQ_ARN: z.string().optional(),
  INGEST_QUEUE_ARN: z.string().optional(),
  DELIVERY_QUEUE_ARN: z.string().optional(),
  MAINTENANCE_FUNCTION_ARN: z.string().optional(),
  /** Allow delivery to private, loopback and link-local addresses (local development). */
  ALLOW_PRIVATE_TARGETS: flag,
  /** Accept `http://localhost` and `http://127.0.0.1` endpoint URLs. */
  ALLOW_HTTP_LOCALHOST: flag,
  /** Retry delays in seconds, comma separated; the last one repeats. */
  RETRY_SCHEDULE: seconds,
  /** Multiplies every delay: 0.001 turns a 5-day cycle into minutes for tests. */
  RETRY_TIME_FACTOR: z.coerce.number().positive().default(1),
  MAX_ENDPOINTS_PER_ORG: z.coerce.number().int().positive().default(DEFAULT_MAX_ENDPOINTS_PER_ORG),
  EVENT_RETENTION_DAYS: z.coerce.number().positive().default(retention.eventDays),
  ATTEMPT_RETENTION_DAYS: z.coerce.number().positive().default(retention.attemptDays),
  FAILING_AFTER_HOURS: z.coerce.number().nonnegative().default(24),
  DISABLE_AFTER_DAYS: z.coerce.number().nonnegative().default(5),
  SECRET_GRACE_HOURS: z.coerce.number().nonnegative().default(24),
  /** `GET /v1/webhook-endpoints/{id}/secret` (admins); false turns the route off. */
  ALLOW_SECRET_RETRIEVAL: onUnlessOff,
  ENDPOINT_CACHE_SECONDS: z.coerce.number().nonnegative().default(5),
  /** How long one run of a tracked task works before it hands over to the next (core/tasks/runner.ts). */
  TASK_RUN_SECONDS: z.coerce.number().positive().default(40),
  /** How long a run holds its task: after it, a crashed run's task is taken over (> the function's timeout). */
  TASK_LEASE_SECONDS: z.coerce.number().positive().default(120),
  /** Consecutive failed attempts (errors, non-2xx, timeouts) that open an endpoint's breaker. */
  BREAKER_FAILURES: z.coerce.number().int().positive().default(isolation.breakerFailures),
  /** How long an open breaker parks deliveries before one probe is let through. */
  BREAKER_COOLDOWN_SECONDS: z.coerce.number().int().positive().default(isolation.breakerCooldownSeconds),
  /** The longest breaker cooldown: it grows with the outage up to this (core/delivery/policy/breaker.ts). */
  BREAKER_COOLDOWN_MAX_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(isolation.breakerCooldownMaxSeconds),
  /** A request in the shared lane that takes longer is cut and the endpoint moves to the slow lane. */
  FAST_LANE_BUDGET_MS: z.coerce.number().int().positive().default(isolation.fastLaneBudgetMs),
  /** How long an endpoint stays in the slow lane after a slow attempt. */
  SLOW_LANE_SECONDS: z.coerce.number().int().positive().default(isolation.slowLaneSeconds),
  /** A task on a queue this long is parked in the table and resumed fresh (below SQS's retention). */
  PARK_AFTER_QUEUED_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .max(SQS_MAX_RETENTION_SECONDS - 1)
    .default(isolation.parkAfterQueuedSeconds),
  /** Waits up to this are held as a visibility timeout; longer ones leave the queue. */
  SHORT_WAIT_SECONDS: z.coerce.number().int().nonnegative().default(isolation.shortWaitSeconds),
  /**
   * Retry schedules (CreateSchedule) this process may create per second; over it a retry waits
   * on the queue. infra/functions.ts sets it from the deployed concurrency (core/config/capacity.ts).
   */
  RETRY_SCHEDULES_PER_SECOND: z.coerce.number().positive().default(retrySchedulesPerInstance(concurrency)),
  /** Optional admin key created on first use for the platform organization. */
  BOOTSTRAP_API_KEY: z.string().optional(),
  /** The operator's own organization: its admins may create and list organizations. */
  PLATFORM_ORG_ID: z.string().min(1).default("default"),
  SERVICE_NAME: z.string().default("hookrelay"),
  /**
   * Where X-Ray's daemon listens: Lambda sets it (active tracing). Unset (the local stack): no
   * spans are sent (core/log/tracer.ts, docs/tracing.md "Spans").
   */
  AWS_XRAY_DAEMON_ADDRESS: z.string().optional(),
  /** The share of events whose spans are sent to X-Ray, in percent: X-Ray bills each trace. */
  TRACE_SAMPLE_PERCENT: z.coerce.number().min(0).max(100).default(1),
  /**
   * The EventBridge bus operational events are also put on (AWS; `sst deploy` creates it).
   * Unset (the local stack): they are only delivered as webhooks.
   */
  OPERATIONAL_EVENT_BUS: z.string().min(1).optional(),
  /** Signs portal session tokens (an SST secret on AWS, generated into .data/ locally). */
  PORTAL_SECRET: z.string().min(32).optional(),
  /**
   * Keys the hash an API key is stored under (HMAC-SHA256), so a key item written into the
   * table without it authenticates nothing (an SST secret on AWS, `.data/api-key-pepper`
   * locally). Changing it invalidates every API key; without it keys are stored as SHA-256.
   */
  API_KEY_PEPPER: z.string().min(32).optional(),
  /** Origins allowed to embed the portal in an iframe (CSP frame-ancestors), space separated. */
  PORTAL_FRAME_ANCESTORS: z
    .string()
    .regex(/^[^;,\s][^;,\r\n]*$/, "space-separated CSP sources (no ; or ,)")
    .default("'self'"),
  /** KMS key wrapping the organizations' data keys (AWS); see core/store/secrets-at-rest.ts. */
  SECRETS_KMS_KEY_ID: z.string().min(1).optional(),
  /** Local stand-in: a file holding a base64 256-bit key, created on first use (`.data/secrets.key`). */
  SECRETS_KEY_FILE: z.string().min(1).optional(),
});

export interface Config {
  region: string;
  tableName: string;
  queues: {
    ingest: string;
    ingestDlq: string;
    delivery: string;
    deliveryDlq: string;
    /** The slow lane; the delivery queue itself when the deployment has none. */
    deliverySlow: string;
    /** The ordered endpoints' FIFO queue; the delivery queue itself when the deployment has none. */
    deliveryOrdered: string;
  };
  endpoints: { dynamodb?: string; sqs?: string };
  /**
   * AWS destinations: the deployment's partition (an endpoint's ARNs must be in it), its
   * account (what trust policies name), and the local emulator, if any.
   */
  destinations: { partition: string; accountId?: string; emulator?: string };
  scheduler: {
    mode: "eventbridge" | "local";
    group?: string;
    roleArn?: string;
    dlqArn?: string;
    ingestQueueArn?: string;
    deliveryQueueArn?: string;
    maintenanceFunctionArn?: string;
    /** Retry schedules this process may create per second (RETRY_SCHEDULES_PER_SECOND). */
    retriesPerSecond: number;
  };
  allowPrivateTargets: boolean;
  allowHttpLocalhost: boolean;
  retry: { scheduleSeconds: readonly number[]; timeFactor: number; jitter: number };
  limits: { maxEndpointsPerOrg: number };
  retention: { eventDays: number; attemptDays: number; idempotencyHours: number };
  health: { failingAfterHours: number; disableAfterDays: number };
  secretGraceHours: number;
  /** Admins may read an endpoint's current secrets back (GET …/secret). */
  allowSecretRetrieval: boolean;
  endpointCacheSeconds: number;
  /** Tracked tasks (docs/tasks.md): one run's working time, and its lease. */
  tasks: { runSeconds: number; leaseSeconds: number };
  /** The per-endpoint isolation settings, one for each default in core/config/infra.ts. */
  isolation: { [K in keyof typeof isolation]: number };
  bootstrapApiKey?: string;
  platformOrgId: string;
  /** EventBridge bus of operational events; none locally (core/operational). */
  operationalBus?: string;
  serviceName: string;
  /** Spans of events' traces (docs/tracing.md "Spans"): X-Ray's daemon, and the share sent. */
  tracing: { xrayDaemonAddress?: string; samplePercent: number };
  portalSecret?: string;
  /** HMAC key of stored API-key hashes (core/auth/keys.ts); SHA-256 alone when unset. */
  apiKeyPepper?: string;
  portalFrameAncestors: string;
  /** Who wraps the data keys of secrets at rest: a KMS key, else a local key file. */
  secrets: { kmsKeyId?: string; keyFile?: string };
}

export class ConfigError extends Error {}

function queuesOf(e: z.infer<typeof envSchema>): Config["queues"] {
  return {
    ingest: e.INGEST_QUEUE_URL,
    ingestDlq: e.INGEST_DLQ_URL,
    delivery: e.DELIVERY_QUEUE_URL,
    deliveryDlq: e.DELIVERY_DLQ_URL,
    deliverySlow: e.DELIVERY_SLOW_QUEUE_URL || e.DELIVERY_QUEUE_URL,
    deliveryOrdered: e.DELIVERY_ORDERED_QUEUE_URL || e.DELIVERY_QUEUE_URL,
  };
}

/** The per-endpoint isolation settings: core/config/infra.ts's defaults, and the variables that override six of them. */
function isolationOf(e: z.infer<typeof envSchema>): Config["isolation"] {
  return {
    ...isolation,
    breakerFailures: e.BREAKER_FAILURES,
    breakerCooldownSeconds: e.BREAKER_COOLDOWN_SECONDS,
    fastLaneBudgetMs: e.FAST_LANE_BUDGET_MS,
    slowLaneSeconds: e.SLOW_LANE_SECONDS,
    shortWaitSeconds: e.SHORT_WAIT_SECONDS,
    breakerCooldownMaxSeconds: e.BREAKER_COOLDOWN_MAX_SECONDS,
    parkAfterQueuedSeconds: e.PARK_AFTER_QUEUED_SECONDS,
  };
}

/** Parses the environment; throws a ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const names = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ConfigError(`invalid configuration: ${names}`);
  }
  const e = parsed.data;
  return {
    region: e.AWS_REGION,
    tableName: e.TABLE_NAME,
    queues: queuesOf(e),
    endpoints: { dynamodb: e.DYNAMODB_ENDPOINT, sqs: e.SQS_ENDPOINT },
    destinations: {
      partition: partitionOf(e.AWS_REGION),
      accountId: e.HOOKRELAY_ACCOUNT_ID,
      emulator: e.AWS_DESTINATION_ENDPOINT,
    },
    scheduler: {
      mode: e.SCHEDULER_MODE,
      group: e.SCHEDULE_GROUP,
      roleArn: e.SCHEDULER_ROLE_ARN,
      dlqArn: e.SCHEDULER_DLQ_ARN,
      ingestQueueArn: e.INGEST_QUEUE_ARN,
      deliveryQueueArn: e.DELIVERY_QUEUE_ARN,
      maintenanceFunctionArn: e.MAINTENANCE_FUNCTION_ARN,
      retriesPerSecond: e.RETRY_SCHEDULES_PER_SECOND,
    },
    allowPrivateTargets: e.ALLOW_PRIVATE_TARGETS,
    allowHttpLocalhost: e.ALLOW_HTTP_LOCALHOST,
    retry: {
      scheduleSeconds: e.RETRY_SCHEDULE ?? retry.scheduleSeconds,
      timeFactor: e.RETRY_TIME_FACTOR,
      jitter: retry.jitter,
    },
    limits: { maxEndpointsPerOrg: e.MAX_ENDPOINTS_PER_ORG },
    retention: {
      eventDays: e.EVENT_RETENTION_DAYS,
      attemptDays: e.ATTEMPT_RETENTION_DAYS,
      idempotencyHours: retention.idempotencyHours,
    },
    health: { failingAfterHours: e.FAILING_AFTER_HOURS, disableAfterDays: e.DISABLE_AFTER_DAYS },
    secretGraceHours: e.SECRET_GRACE_HOURS,
    allowSecretRetrieval: e.ALLOW_SECRET_RETRIEVAL,
    endpointCacheSeconds: e.ENDPOINT_CACHE_SECONDS,
    tasks: { runSeconds: e.TASK_RUN_SECONDS, leaseSeconds: e.TASK_LEASE_SECONDS },
    isolation: isolationOf(e),
    bootstrapApiKey: e.BOOTSTRAP_API_KEY,
    platformOrgId: e.PLATFORM_ORG_ID,
    operationalBus: e.OPERATIONAL_EVENT_BUS,
    serviceName: e.SERVICE_NAME,
    tracing: { xrayDaemonAddress: e.AWS_XRAY_DAEMON_ADDRESS, samplePercent: e.TRACE_SAMPLE_PERCENT },
    portalSecret: e.PORTAL_SECRET,
    apiKeyPepper: e.API_KEY_PEPPER,
    portalFrameAncestors: e.PORTAL_FRAME_ANCESTORS,
    secrets: { kmsKeyId: e.SECRETS_KMS_KEY_ID, keyFile: e.SECRETS_KEY_FILE },
  };
}
