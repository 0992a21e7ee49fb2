/**
 * EventBridge Scheduler: the group one-time schedules live in and the role they run as.
 * Raw Pulumi (SST has no component for either).
 *
 * One policy mechanism on the role: separate RolePolicy resources only. The provider documents
 * inline policies and RolePolicy on one role as incompatible (they overwrite each other, and
 * after a refresh one is dropped).
 */
import { fanoutSweep } from "../core/config/infra.js";
import type { Queues } from "./queues.js";
import type { Stage } from "./stage.js";

export interface Scheduler {
  group: aws.scheduler.ScheduleGroup;
  role: aws.iam.Role;
  /** arn:aws:scheduler:REGION:ACCOUNT:schedule/GROUP/*: what functions may create and delete. */
  schedulesInGroup: $util.Output<string>;
}

export function createScheduler(stage: Stage, queues: Queues): Scheduler {
  // `namePrefix` lets Pulumi add a unique suffix, so a group retained in production never
  // blocks a later deploy with a name clash.
  const groupPrefix = `${$app.name}-${$app.stage}`.slice(0, 36); // + 1 + 26 generated <= 64
  const group = new aws.scheduler.ScheduleGroup(
    "ScheduleGroup",
    { namePrefix: `${groupPrefix}-` },
    stage.keep,
  );
  const account = aws.getCallerIdentityOutput().accountId;
  const role = new aws.iam.Role(
    "SchedulerRole",
    {
      description: "Assumed by EventBridge Scheduler to run the service's one-time schedules",
      assumeRolePolicy: aws.iam.getPolicyDocumentOutput({
        statements: [
          {
            actions: ["sts:AssumeRole"],
            principals: [{ type: "Service", identifiers: ["scheduler.amazonaws.com"] }],
            // Confused-deputy guard: only schedules of this account's group may assume it.
            conditions: [
              { test: "StringEquals", variable: "aws:SourceAccount", values: [account] },
              { test: "ArnEquals", variable: "aws:SourceArn", values: [group.arn] },
            ],
          },
        ],
      }).json,
    },
    stage.keep,
  );
  new aws.iam.RolePolicy("SchedulerSendToQueues", {
    role: role.id,
    policy: aws.iam.getPolicyDocumentOutput({
      statements: [
        {
          actions: ["sqs:SendMessage"],
          resources: [queues.ingest.arn, queues.delivery.arn, queues.schedulerDlq.arn],
        },
      ],
    }).json,
  });
  // arn:aws:scheduler:REGION:ACCOUNT:schedule-group/NAME -> arn:aws:scheduler:REGION:ACCOUNT:schedule/NAME/*
  const schedulesInGroup = group.arn.apply((arn) => `${arn.replace(":schedule-group/", ":schedule/")}/*`);
  return { group, role, schedulesInGroup };
}

/**
 * Lets schedules invoke `fn`. A separate policy (like every statement of this role): the
 * function's environment already depends on the role ARN, so an inline statement naming the
 * function would be a cycle.
 */
export function allowInvoke(scheduler: Scheduler, fn: sst.aws.Function): void {
  new aws.iam.RolePolicy("SchedulerInvokeScheduled", {
    role: scheduler.role.id,
    policy: aws.iam.getPolicyDocumentOutput({
      statements: [{ actions: ["lambda:InvokeFunction"], resources: [fn.arn] }],
    }).json,
  });
}

/**
 * The fan-out sweep (core/events/sweep.ts): a rate schedule invoking the scheduled function
 * with `fanoutSweep.event`, as the scheduler's role, failures to the function's on-failure
 * path like any invocation. A missed run is harmless: the next one reads the same markers.
 */
export function scheduleFanoutSweep(scheduler: Scheduler, fn: sst.aws.Function): void {
  const minutes = fanoutSweep.everyMinutes;
  new aws.scheduler.Schedule("FanoutSweep", {
    groupName: scheduler.group.name,
    description: "Finishes fan-outs of publishes interrupted between storing and enqueuing",
    scheduleExpression: `rate(${minutes} ${minutes === 1 ? "minute" : "minutes"})`,
    flexibleTimeWindow: { mode: "OFF" },
    target: {
      arn: fn.arn,
      roleArn: scheduler.role.arn,
      input: JSON.stringify(fanoutSweep.event),
      retryPolicy: { maximumRetryAttempts: 0 },
    },
  });
}
