/**
 * Alarms that page the operator, all reporting to one SNS topic (optionally mailed to
 * ALERT_EMAIL). Only the service's own failures page: crashes and throttles of functions,
 * DynamoDB throttles (table and each index), API 5xx and latency, scheduler errors and
 * throttles, queues that stall (oldest message, in-flight near the SQS cap), the ingest and
 * scheduler DLQs, and delivery tasks the service cannot read.
 *
 * What is the customers' business does not page: retries exhausted on their endpoints land in
 * the delivery DLQ and count as `DeliveryDeadLettered` (the dashboard, infra/dashboard.ts); an
 * alarm on that DLQ's depth would stay red for ever at scale. docs/operations.md is the runbook.
 *
 * Every alarm's name is `hookrelay-<stage>-<id>`, and the service's own metrics are read from
 * the stage's namespace (infra/stage.ts), so stages never trip each other's alarms.
 */
import { SQS_MAX_DELAY_SECONDS, SQS_MAX_IN_FLIGHT, table as tableSettings } from "../core/config/infra.js";
import type { Api } from "./api.js";
import type { Consumer } from "./functions.js";
import type { Queues } from "./queues.js";
import type { Scheduler } from "./scheduler.js";
import { type Stage, stageName } from "./stage.js";

/** What is watched: the queues, the table, the scheduler, the API and every function. */
export interface Watched {
  stage: Stage;
  queues: Queues;
  table: sst.aws.Dynamo;
  scheduler: Scheduler;
  api: Api["api"];
  functions: {
    api: Api["route"];
    ingest: Consumer;
    deliver: Consumer;
    deliverSlow: Consumer;
    deliverOrdered: Consumer;
    scheduled: sst.aws.Function;
  };
}

/** An alarm's own args; the defaults below fill the rest (any occurrence in 5 minutes). */
type AlarmArgs = Omit<
  aws.cloudwatch.MetricAlarmArgs,
  "name" | "alarmActions" | "okActions" | "comparisonOperator" | "evaluationPeriods"
> &
  Partial<Pick<aws.cloudwatch.MetricAlarmArgs, "comparisonOperator" | "evaluationPeriods">>;

/** Makes alarms: each named after the stage, reporting to the topic both ways. */
function alarmMaker(alerts: sst.aws.SnsTopic) {
  return (id: string, args: AlarmArgs) =>
    new aws.cloudwatch.MetricAlarm(id, {
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      ...args,
      name: stageName(id),
      alarmActions: [alerts.arn],
      okActions: [alerts.arn],
    });
}
type Alarm = ReturnType<typeof alarmMaker>;

export function createAlarms(w: Watched): sst.aws.SnsTopic {
  const alerts = new sst.aws.SnsTopic("Alerts");
  if (process.env.ALERT_EMAIL) {
    // The address receives a confirmation mail; alarms arrive only after it is confirmed.
    // Retained: a later deploy without ALERT_EMAIL forgets the subscription but does not
    // unsubscribe the on-call address (docs/operations.md says how to remove it).
    new aws.sns.TopicSubscription(
      "AlertsEmail",
      { topic: alerts.arn, protocol: "email", endpoint: process.env.ALERT_EMAIL },
      { retainOnDelete: true },
    );
  }
  const alarm = alarmMaker(alerts);
  deadLetterAlarms(alarm, w.queues);
  functionAlarms(alarm, w.functions);
  queueAlarms(alarm, w.queues);
  tableAlarms(alarm, w.table);
  schedulerAlarms(alarm, w.scheduler);
  apiAlarms(alarm, w.api);
  deliveryAlarms(alarm, w.stage);
  return alerts;
}

/**
 * The ingest DLQ holds published events the service could not accept, the scheduler DLQ
 * releases and timers that failed for 24 h, the ordered DLQ ordered tasks that crashed their
 * invocations: all are the service's failures. The delivery DLQ
 * is not here: it is where retries exhausted on customers' endpoints go.
 */
function deadLetterAlarms(alarm: Alarm, q: Queues): void {
  const dlqs = [
    ["IngestDlqDepth", q.ingestDlq, "Published events the ingest function could not accept"],
    ["SchedulerDlqDepth", q.schedulerDlq, "Scheduled releases or timers that failed for 24 h"],
    // Exhausted retries of ordered endpoints go to the delivery DLQ; this one holds only tasks
    // whose invocations kept crashing (the FIFO queue's redrive, core/config/infra.ts).
    [
      "DeliveryOrderedDlqDepth",
      q.deliveryOrderedDlq,
      "Ordered delivery tasks whose invocations kept crashing",
    ],
  ] as const;
  for (const [id, dlq, what] of dlqs) {
    alarm(id, {
      alarmDescription: $interpolate`${what}: messages in ${dlq.nodes.queue.name}`,
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: dlq.nodes.queue.name },
      statistic: "Maximum",
    });
  }
}

/**
 * Failed webhooks are reported per record (partial batch responses), so Lambda `Errors` counts
 * only crashes and timeouts of a function itself. Throttles mean the account's concurrency is
 * exhausted (the consumers' own caps are on their event source mappings and do not throttle).
 */
function functionAlarms(alarm: Alarm, f: Watched["functions"]): void {
  const watched = [
    ["Api", f.api.nodes.function, "The API function"],
    ["Ingest", f.ingest.nodes.function, "The ingest function"],
    ["Deliver", f.deliver.nodes.function, "The delivery function"],
    ["DeliverSlow", f.deliverSlow.nodes.function, "The slow-lane delivery function"],
    ["DeliverOrdered", f.deliverOrdered.nodes.function, "The ordered delivery function"],
    ["Scheduled", f.scheduled.nodes.function, "The scheduled-work function"],
  ] as const;
  for (const [id, fn, what] of watched) {
    for (const [metricName, happened] of [
      ["Errors", "crashed or timed out"],
      ["Throttles", "was throttled (account concurrency exhausted)"],
    ] as const) {
      alarm(`${id}Function${metricName}`, {
        alarmDescription: `${what} ${happened}`,
        namespace: "AWS/Lambda",
        metricName,
        dimensions: { FunctionName: fn.name },
        statistic: "Sum",
      });
    }
  }
}

function queueAlarms(alarm: Alarm, q: Queues): void {
  const consumed = [
    ["Ingest", q.ingest],
    ["Delivery", q.delivery],
    ["DeliverySlow", q.deliverySlow],
  ] as const;
  for (const [id, queue] of consumed) {
    // Past ~120,000 in-flight messages receives come back empty, with no error: warn at 80 %.
    alarm(`${id}InFlightHigh`, {
      threshold: Math.floor(SQS_MAX_IN_FLIGHT * 0.8),
      alarmDescription: $interpolate`In-flight messages above 80 % of the SQS cap on ${queue.nodes.queue.name}`,
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesNotVisible",
      dimensions: { QueueName: queue.nodes.queue.name },
      statistic: "Maximum",
    });
    // Waits longer than 15 min are never on the queue (re-sends, scheduler): an older message
    // means consumers are not keeping up or not receiving.
    alarm(`${id}OldestMessage`, {
      threshold: SQS_MAX_DELAY_SECONDS + 5 * 60,
      alarmDescription: $interpolate`Oldest message older than 20 min on ${queue.nodes.queue.name}`,
      namespace: "AWS/SQS",
      metricName: "ApproximateAgeOfOldestMessage",
      dimensions: { QueueName: queue.nodes.queue.name },
      statistic: "Maximum",
    });
  }
}

/** Throttled reads and writes on the table and on each of its indexes (their own capacity). */
function tableAlarms(alarm: Alarm, table: sst.aws.Dynamo): void {
  const targets = [
    ["Table", undefined],
    ...Object.keys(tableSettings.globalIndexes).map((index) => [`Table${index}`, index] as const),
  ] as const;
  for (const [id, index] of targets) {
    for (const metricName of ["ReadThrottleEvents", "WriteThrottleEvents"]) {
      alarm(`${id}${metricName}`, {
        alarmDescription: $interpolate`DynamoDB throttled requests (${metricName}) on ${table.name}${index ? ` index ${index}` : ""}`,
        namespace: "AWS/DynamoDB",
        metricName,
        dimensions: index
          ? { TableName: table.name, GlobalSecondaryIndexName: index }
          : { TableName: table.name },
        statistic: "Sum",
      });
    }
  }
}

/**
 * Target errors and throttles (the queues or the function refused a release), invocations
 * dropped after 24 h, and the account's invocation quota (no group dimension).
 */
function schedulerAlarms(alarm: Alarm, scheduler: Scheduler): void {
  for (const metricName of ["TargetErrorCount", "TargetErrorThrottledCount", "InvocationDroppedCount"]) {
    alarm(`Scheduler${metricName}`, {
      alarmDescription: $interpolate`EventBridge Scheduler ${metricName} in ${scheduler.group.name}`,
      namespace: "AWS/Scheduler",
      metricName,
      dimensions: { ScheduleGroup: scheduler.group.name },
      statistic: "Sum",
    });
  }
  alarm("SchedulerInvocationThrottleCount", {
    alarmDescription:
      "EventBridge Scheduler throttled invocations: the account's invocation quota is reached",
    namespace: "AWS/Scheduler",
    metricName: "InvocationThrottleCount",
    statistic: "Sum",
  });
}

/**
 * 5xx as a share of requests (a single 5xx among few requests is a Lambda error, alarmed
 * above), and the p99 latency staying high for 15 min (normal requests take well under 1 s).
 */
function apiAlarms(alarm: Alarm, api: Api["api"]): void {
  const metric = (metricName: string) => ({
    namespace: "AWS/ApiGateway",
    metricName,
    dimensions: { ApiId: api.nodes.api.id },
    period: 300,
    stat: "Sum",
  });
  alarm("Api5xxRate", {
    alarmDescription: "More than 1 % of API requests answered 5xx (over at least 20 requests in 5 min)",
    threshold: 1,
    metricQueries: [
      { id: "errors", metric: metric("5xx") },
      { id: "requests", metric: metric("Count") },
      {
        id: "rate",
        expression: "IF(requests >= 20, 100 * errors / requests, 0)",
        label: "5xx %",
        returnData: true,
      },
    ],
  });
  alarm("ApiLatencyP99", {
    alarmDescription: "API p99 latency above 2 s for 15 min",
    namespace: "AWS/ApiGateway",
    metricName: "Latency",
    dimensions: { ApiId: api.nodes.api.id },
    extendedStatistic: "p99",
    threshold: 2000,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
  });
}

/**
 * The delivery function's own failures, from the stage's metrics (core/delivery/metrics.ts):
 * a task it cannot read (a bug or a foreign writer), and records that failed with an error of
 * the service (not of the receiver) for 15 min in a row.
 */
function deliveryAlarms(alarm: Alarm, stage: Stage): void {
  alarm("DeliveryTaskInvalid", {
    alarmDescription: "Delivery tasks the service could not read were dead-lettered",
    namespace: stage.metricsNamespace,
    metricName: "DeliveryTaskInvalid",
    dimensions: { service: $app.name },
    statistic: "Sum",
  });
  alarm("DeliveryHandlerErrors", {
    alarmDescription: "Delivery records failed with a service error (not the receiver's) for 15 min",
    namespace: stage.metricsNamespace,
    metricName: "DeliveryHandlerError",
    dimensions: { service: $app.name },
    statistic: "Sum",
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
  });
  // A failed endpoint run schedules its next (core/delivery/run-fallback.ts) instead of reaching
  // the scheduler DLQ: one now and then is a throttle that passed; every 5 min for an hour is not.
  alarm("ScheduledRunsFailing", {
    alarmDescription: "Scheduled endpoint runs (resume, waiting retries) failed and retried for 1 h",
    namespace: stage.metricsNamespace,
    metricName: "ScheduledRunRetried",
    dimensions: { service: $app.name },
    statistic: "Sum",
    evaluationPeriods: 12,
    datapointsToAlarm: 12,
  });
}
