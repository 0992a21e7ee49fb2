/**
 * EventBridge Scheduler adapter: one `at()` schedule per entry, deleted after it fires.
 *
 * - `at()` has minute precision and must not lie in the past: the time is rounded UP to the
 *   next whole minute, so an entry never fires early.
 * - An entry for a queue that is due within a minute is not scheduled at all: it is sent at
 *   once through the task queue port with `DelaySeconds` (exact to the second, and no schedule
 *   to pay for), as the local and in-memory schedulers fire theirs (fire.ts).
 * - A dead-letter queue receives what the scheduler gave up on after 24 h (it is alarmed).
 */
import type { SchedulerClient } from "@aws-sdk/client-scheduler";
import { type Config, clientOptions } from "../config/index.js";
import type { ScheduleEntry, Scheduler, TaskQueue } from "../model/index.js";
import { sendEntry } from "./fire.js";

const MINUTE_MS = 60_000;

type SchedulerSdk = typeof import("@aws-sdk/client-scheduler");
let schedulerSdk: Promise<SchedulerSdk> | undefined;
/**
 * The Scheduler client is imported on the first schedule, not at module init: most
 * invocations schedule nothing (short waits go through SQS), docs/cost.md "Bundles".
 */
const loadSdk = () => (schedulerSdk ??= import("@aws-sdk/client-scheduler"));

/** The `at()` expression: the next whole minute at or after `at` (UTC, no millis). */
export function atExpression(at: Date): string {
  const rounded = new Date(Math.ceil(at.getTime() / MINUTE_MS) * MINUTE_MS);
  return `at(${rounded.toISOString().slice(0, 19)})`;
}

/** A one-time `at()` schedule delivering `entry.body` to `target`, deleted once it fired. */
function scheduleInput(
  entry: ScheduleEntry,
  group: string,
  target: { arn: string; roleArn: string; dlqArn: string | undefined },
) {
  return {
    Name: entry.name,
    GroupName: group,
    ScheduleExpression: atExpression(entry.at),
    ScheduleExpressionTimezone: "UTC",
    FlexibleTimeWindow: { Mode: "OFF" as const },
    ActionAfterCompletion: "DELETE" as const,
    Target: {
      Arn: target.arn,
      RoleArn: target.roleArn,
      Input: entry.body,
      RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
      ...(target.dlqArn ? { DeadLetterConfig: { Arn: target.dlqArn } } : {}),
    },
  };
}

/** The scheduler settings this adapter needs, or an error naming the missing variables. */
function requiredSettings(config: Config) {
  const { group, roleArn, dlqArn, ingestQueueArn, deliveryQueueArn, maintenanceFunctionArn } =
    config.scheduler;
  if (!group || !roleArn || !ingestQueueArn || !deliveryQueueArn || !maintenanceFunctionArn) {
    throw new Error(
      "SCHEDULE_GROUP, SCHEDULER_ROLE_ARN, INGEST_QUEUE_ARN, DELIVERY_QUEUE_ARN and MAINTENANCE_FUNCTION_ARN are required for SCHEDULER_MODE=eventbridge",
    );
  }
  return { group, roleArn, dlqArn, ingestQueueArn, deliveryQueueArn, maintenanceFunctionArn };
}

export function eventBridgeScheduler(
  config: Config,
  deps: { client?: SchedulerClient; queue?: Pick<TaskQueue, "send">; now?: () => Date } = {},
): Scheduler {
  const { group, roleArn, dlqArn, ingestQueueArn, deliveryQueueArn, maintenanceFunctionArn } =
    requiredSettings(config);
  let client = deps.client;
  const ready = async () => {
    const sdk = await loadSdk();
    client ??= new sdk.SchedulerClient(clientOptions(config, undefined));
    return { sdk, client };
  };
  const now = deps.now ?? (() => new Date());
  const arns = { ingest: ingestQueueArn, delivery: deliveryQueueArn, maintenance: maintenanceFunctionArn };

  return {
    async schedule(entry: ScheduleEntry) {
      const wait = entry.at.getTime() - now().getTime();
      if (entry.target !== "maintenance" && wait < MINUTE_MS && deps.queue) {
        await sendEntry(deps.queue, { ...entry, target: entry.target }, Math.max(0, Math.ceil(wait / 1000)));
        return;
      }
      const { sdk, client } = await ready();
      try {
        await client.send(
          new sdk.CreateScheduleCommand(
            scheduleInput(entry, group, { arn: arns[entry.target], roleArn, dlqArn }),
          ),
        );
      } catch (err) {
        // Same name = same purpose already scheduled (a redelivered message): keep the first.
        if (!(err instanceof sdk.ConflictException)) throw err;
      }
    },
    async cancel(name: string) {
      const { sdk, client } = await ready();
      try {
        await client.send(new sdk.DeleteScheduleCommand({ Name: name, GroupName: group }));
      } catch (err) {
        if (!(err instanceof sdk.ResourceNotFoundException)) throw err;
      }
    },
  };
}
