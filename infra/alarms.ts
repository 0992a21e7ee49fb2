/**
 * Alarms, all reporting to one SNS topic (optionally mailed to ALERT_EMAIL): dead letters on
 * every DLQ, crashes of every function, and the limits that would stall delivery silently
 * (docs/delivery.md, "Limits and alarms"): in-flight messages near the SQS cap, the age of the
 * oldest message, DynamoDB throttles, scheduler target errors and dropped invocations.
 */
import { SQS_MAX_DELAY_SECONDS, SQS_MAX_IN_FLIGHT } from "../core/config/infra.js";
import type { Api } from "./api.js";
import type { Consumer } from "./functions.js";
import type { Queues } from "./queues.js";
import type { Scheduler } from "./scheduler.js";

/** What is watched: the queues, the table, the scheduler, and every function. */
export interface Watched {
  queues: Queues;
  table: sst.aws.Dynamo;
  scheduler: Scheduler;
  functions: {
    api: Api["route"];
    ingest: Consumer;
    deliver: Consumer;
    deliverSlow: Consumer;
    scheduled: sst.aws.Function;
  };
}

/** Every alarm fires on any occurrence within 5 minutes and reports to the topic. */
function anyOccurrence(alerts: sst.aws.SnsTopic) {
  return {
    period: 300,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    alarmActions: [alerts.arn],
    okActions: [alerts.arn],
  };
}

export function createAlarms(w: Watched): sst.aws.SnsTopic {
  const alerts = new sst.aws.SnsTopic("Alerts");
  if (process.env.ALERT_EMAIL) {
    // The address receives a confirmation mail; alarms arrive only after it is confirmed.
    new aws.sns.TopicSubscription("AlertsEmail", {
      topic: alerts.arn,
      protocol: "email",
      endpoint: process.env.ALERT_EMAIL,
    });
  }
  const base = anyOccurrence(alerts);
  deadLetterAlarms(base, w.queues);
  functionAlarms(base, w.functions);
  stallAlarms(base, w);
  return alerts;
}

function deadLetterAlarms(base: ReturnType<typeof anyOccurrence>, q: Queues): void {
  const dlqs = [
    ["IngestDlqDepth", q.ingestDlq, "Ingest messages that could not be processed"],
    ["DeliveryDlqDepth", q.deliveryDlq, "Deliveries that exhausted their retries or crashed repeatedly"],
    ["SchedulerDlqDepth", q.schedulerDlq, "Scheduled releases or timers that failed for 24 h"],
  ] as const;
  for (const [id, dlq, what] of dlqs) {
    new aws.cloudwatch.MetricAlarm(id, {
      ...base,
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
 * only crashes and timeouts of a function itself: any, of any function, is worth a look.
 */
function functionAlarms(base: ReturnType<typeof anyOccurrence>, f: Watched["functions"]): void {
  const watched = [
    ["ApiFunctionErrors", f.api.nodes.function, "The API function"],
    ["IngestFunctionErrors", f.ingest.nodes.function, "The ingest function"],
    ["DeliverFunctionErrors", f.deliver.nodes.function, "The delivery function"],
    ["DeliverSlowFunctionErrors", f.deliverSlow.nodes.function, "The slow-lane delivery function"],
    ["ScheduledFunctionErrors", f.scheduled.nodes.function, "The scheduled-work function"],
  ] as const;
  for (const [id, fn, what] of watched) {
    new aws.cloudwatch.MetricAlarm(id, {
      ...base,
      alarmDescription: `${what} crashed or timed out`,
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: fn.name },
      statistic: "Sum",
    });
  }
}

function stallAlarms(base: ReturnType<typeof anyOccurrence>, { queues: q, table, scheduler }: Watched): void {
  const consumed = [
    ["Ingest", q.ingest],
    ["Delivery", q.delivery],
    ["DeliverySlow", q.deliverySlow],
  ] as const;
  for (const [id, queue] of consumed) {
    // Past ~120,000 in-flight messages receives come back empty, with no error: warn at 80 %.
    new aws.cloudwatch.MetricAlarm(`${id}InFlightHigh`, {
      ...base,
      threshold: Math.floor(SQS_MAX_IN_FLIGHT * 0.8),
      alarmDescription: $interpolate`In-flight messages above 80 % of the SQS cap on ${queue.nodes.queue.name}`,
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesNotVisible",
      dimensions: { QueueName: queue.nodes.queue.name },
      statistic: "Maximum",
    });
    // Waits longer than 15 min are never on the queue (re-sends, scheduler): an older message
    // means consumers are not keeping up or not receiving.
    new aws.cloudwatch.MetricAlarm(`${id}OldestMessage`, {
      ...base,
      threshold: SQS_MAX_DELAY_SECONDS + 5 * 60,
      alarmDescription: $interpolate`Oldest message older than 20 min on ${queue.nodes.queue.name}`,
      namespace: "AWS/SQS",
      metricName: "ApproximateAgeOfOldestMessage",
      dimensions: { QueueName: queue.nodes.queue.name },
      statistic: "Maximum",
    });
  }
  for (const metricName of ["ReadThrottleEvents", "WriteThrottleEvents"]) {
    new aws.cloudwatch.MetricAlarm(`Table${metricName}`, {
      ...base,
      alarmDescription: $interpolate`DynamoDB throttled requests (${metricName}) on ${table.name}`,
      namespace: "AWS/DynamoDB",
      metricName,
      dimensions: { TableName: table.name },
      statistic: "Sum",
    });
  }
  for (const metricName of ["TargetErrorCount", "InvocationDroppedCount"]) {
    new aws.cloudwatch.MetricAlarm(`Scheduler${metricName}`, {
      ...base,
      alarmDescription: $interpolate`EventBridge Scheduler ${metricName} in ${scheduler.group.name}`,
      namespace: "AWS/Scheduler",
      metricName,
      dimensions: { ScheduleGroup: scheduler.group.name },
      statistic: "Sum",
    });
  }
}
