/** EventBridge Scheduler adapter: one `at()` schedule per entry, deleted after it fires. */
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
} from "@aws-sdk/client-scheduler";
import { clientOptions } from "../config/aws.js";
import type { Config } from "../config/runtime.js";
import type { ScheduleEntry, Scheduler } from "../model/schedule.js";

export function eventBridgeScheduler(config: Config): Scheduler {
  const { group, roleArn, ingestQueueArn, deliveryQueueArn, maintenanceFunctionArn } = config.scheduler;
  if (!group || !roleArn || !ingestQueueArn || !deliveryQueueArn || !maintenanceFunctionArn) {
    throw new Error(
      "SCHEDULE_GROUP, SCHEDULER_ROLE_ARN, INGEST_QUEUE_ARN, DELIVERY_QUEUE_ARN and MAINTENANCE_FUNCTION_ARN are required for SCHEDULER_MODE=eventbridge",
    );
  }
  const client = new SchedulerClient(clientOptions(config, undefined));
  const arns = { ingest: ingestQueueArn, delivery: deliveryQueueArn, maintenance: maintenanceFunctionArn };

  return {
    async schedule(entry: ScheduleEntry) {
      // at() takes local time without zone or millis: yyyy-mm-ddThh:mm:ss, zone given separately.
      const at = entry.at.toISOString().slice(0, 19);
      try {
        await client.send(
          new CreateScheduleCommand({
            Name: entry.name,
            GroupName: group,
            ScheduleExpression: `at(${at})`,
            ScheduleExpressionTimezone: "UTC",
            FlexibleTimeWindow: { Mode: "OFF" },
            ActionAfterCompletion: "DELETE",
            Target: {
              Arn: arns[entry.target],
              RoleArn: roleArn,
              Input: entry.body,
              RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
            },
          }),
        );
      } catch (err) {
        // Same name = same purpose already scheduled (a redelivered message): keep the first.
        if (!(err instanceof ConflictException)) throw err;
      }
    },
    async cancel(name: string) {
      try {
        await client.send(new DeleteScheduleCommand({ Name: name, GroupName: group }));
      } catch (err) {
        if (!(err instanceof ResourceNotFoundException)) throw err;
      }
    },
  };
}
