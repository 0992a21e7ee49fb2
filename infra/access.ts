/**
 * What every function may do (IAM) and what it is told (environment variables, named exactly
 * as core/config/runtime.ts reads them).
 */
import type { Queues } from "./queues.js";
import type { Scheduler } from "./scheduler.js";
import type { Stage } from "./stage.js";

/** The resources functions reach. */
export interface Reach {
  table: sst.aws.Dynamo;
  queues: Queues;
  secretsKey: aws.kms.Key;
  scheduler: Scheduler;
  /** The bus operational events are put on (infra/operational.ts). */
  operationalBus: aws.cloudwatch.EventBus;
}

export type Permissions = NonNullable<sst.aws.FunctionArgs["permissions"]>;
/** Permissions as a list, so a function's may extend another's. */
export type PermissionList = Extract<Permissions, unknown[]>;
export type Environment = Record<string, $util.Input<string>>;

export function functionPermissions(reach: Reach): PermissionList {
  const { table, queues: q, secretsKey, operationalBus } = reach;
  return [
    {
      // Data-plane only: no DescribeTable/UpdateTable/DeleteTable. Transactions need no extra action.
      actions: [
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:Scan",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem",
        "dynamodb:ConditionCheckItem",
      ],
      resources: [table.arn, $interpolate`${table.arn}/index/*`],
    },
    {
      // Publish (SendMessageBatch is authorized as SendMessage) to the queues and their DLQs.
      // Consumers additionally get Receive/Delete/ChangeMessageVisibility on their own queue
      // from `subscribe()`. The scheduler's DLQ is the scheduled function's on-failure
      // destination, which Lambda sends to with the function's role.
      actions: ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
      resources: [
        q.ingest.arn,
        q.ingestDlq.arn,
        q.delivery.arn,
        q.deliveryDlq.arn,
        q.deliverySlow.arn,
        q.deliveryOrdered.arn,
        q.schedulerDlq.arn,
      ],
    },
    {
      // Data keys only (GenerateDataKey on first use per organization, Decrypt on cold cache).
      actions: ["kms:GenerateDataKey", "kms:Decrypt"],
      resources: [secretsKey.arn],
    },
    {
      // Operational events (core/operational): this stage's bus only.
      actions: ["events:PutEvents"],
      resources: [operationalBus.arn],
    },
    ...schedulingPermissions(reach.scheduler),
    {
      // X-Ray active tracing (infra/functions.ts): Lambda sends the invocation's segments with
      // the function's role (the AWSXRayDaemonWriteAccess actions; X-Ray has no resource ARNs).
      actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
      resources: ["*"],
    },
  ];
}

/** One-time schedules in this stage's group, run as the scheduler's role. */
function schedulingPermissions(scheduler: Scheduler): PermissionList {
  return [
    {
      actions: ["scheduler:CreateSchedule", "scheduler:DeleteSchedule"],
      resources: [scheduler.schedulesInGroup],
    },
    {
      actions: ["iam:PassRole"],
      resources: [scheduler.role.arn],
      conditions: [
        { test: "StringEquals", variable: "iam:PassedToService", values: ["scheduler.amazonaws.com"] },
      ],
    },
  ];
}

/**
 * The delivery functions only (docs/destinations.md): assume the roles customers grant to AWS
 * endpoints, only with an external id of hookrelay's shape (every customer's trust policy
 * requires the endpoint's own) and never a role of this account, so a tenant cannot point
 * an endpoint at one of the deployment's own roles.
 */
export function assumeCustomerRoles(): PermissionList {
  const account = aws.getCallerIdentityOutput().accountId;
  const partition = aws.getPartitionOutput().partition;
  return [
    {
      actions: ["sts:AssumeRole"],
      resources: [$interpolate`arn:${partition}:iam::*:role/*`],
      conditions: [
        { test: "StringLike", variable: "sts:ExternalId", values: ["hookrelay-*"] },
        { test: "StringNotEquals", variable: "aws:ResourceAccount", values: [account] },
      ],
    },
  ];
}

/** AWS_REGION is set by Lambda itself. */
export function functionEnvironment(
  { table, queues: q, secretsKey, scheduler, operationalBus }: Reach,
  stage: Stage,
): Environment {
  return {
    TABLE_NAME: table.name,
    INGEST_QUEUE_URL: q.ingest.url,
    INGEST_DLQ_URL: q.ingestDlq.url,
    DELIVERY_QUEUE_URL: q.delivery.url,
    DELIVERY_DLQ_URL: q.deliveryDlq.url,
    DELIVERY_SLOW_QUEUE_URL: q.deliverySlow.url,
    DELIVERY_ORDERED_QUEUE_URL: q.deliveryOrdered.url,
    SCHEDULER_DLQ_ARN: q.schedulerDlq.arn,
    INGEST_QUEUE_ARN: q.ingest.arn,
    DELIVERY_QUEUE_ARN: q.delivery.arn,
    SCHEDULER_MODE: "eventbridge",
    SECRETS_KMS_KEY_ID: secretsKey.arn,
    SCHEDULE_GROUP: scheduler.group.name,
    SCHEDULER_ROLE_ARN: scheduler.role.arn,
    OPERATIONAL_EVENT_BUS: operationalBus.name,
    // What customers' trust policies name (an AWS endpoint's view shows the policy to paste).
    HOOKRELAY_ACCOUNT_ID: aws.getCallerIdentityOutput().accountId,
    // Production-safe: no delivery to private addresses, no plain-http localhost endpoints.
    ALLOW_PRIVATE_TARGETS: "false",
    ALLOW_HTTP_LOCALHOST: "false",
    SERVICE_NAME: $app.name,
    // Read by core/log/metrics.ts: the alarms and the dashboard watch this namespace.
    POWERTOOLS_METRICS_NAMESPACE: stage.metricsNamespace,
    LOG_LEVEL: stage.isProd ? "INFO" : "DEBUG",
    // The share of events whose spans go to X-Ray (docs/tracing.md "Spans"): `TRACE_SAMPLE_PERCENT=5 sst deploy`.
    TRACE_SAMPLE_PERCENT: process.env.TRACE_SAMPLE_PERCENT ?? "1",
  };
}
