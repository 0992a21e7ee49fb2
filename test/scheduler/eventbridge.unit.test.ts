/**
 * The EventBridge Scheduler adapter, on the exact CreateSchedule input it sends (the AWS
 * service has no emulator here, so aws-sdk-client-mock stands in for it).
 */
import { CreateScheduleCommand, SchedulerClient } from "@aws-sdk/client-scheduler";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../core/config/runtime.js";
import { waitingRun } from "../../core/delivery/policy/waiting.js";
import type { ScheduleEntry } from "../../core/model/schedule.js";
import type { QueueMessage, TaskQueue } from "../../core/model/task-queue.js";
import { atExpression, eventBridgeScheduler } from "../../core/scheduler/eventbridge.js";

/** A deployment's variables; the adapter's config below adds the two optional ARNs (the scheduled function starts without its own). */
const env = {
  TABLE_NAME: "t",
  INGEST_QUEUE_URL: "https://sqs/ingest",
  INGEST_DLQ_URL: "https://sqs/ingest-dlq",
  DELIVERY_QUEUE_URL: "https://sqs/delivery",
  DELIVERY_DLQ_URL: "https://sqs/delivery-dlq",
  SCHEDULE_GROUP: "hookrelay-prod-x",
  SCHEDULER_ROLE_ARN: "arn:aws:iam::1:role/scheduler",
  INGEST_QUEUE_ARN: "arn:aws:sqs:us-east-1:1:ingest",
  DELIVERY_QUEUE_ARN: "arn:aws:sqs:us-east-1:1:delivery",
};
const config = loadConfig({
  ...env,
  SCHEDULER_DLQ_ARN: "arn:aws:sqs:us-east-1:1:scheduler-dlq",
  MAINTENANCE_FUNCTION_ARN: "arn:aws:lambda:us-east-1:1:function:scheduled",
});
const now = new Date("2026-03-01T10:00:20.500Z");
const scheduler = mockClient(SchedulerClient);
/** The task queue port the adapter sends short waits through: what it was handed, recorded. */
let sent: { queue: string; messages: QueueMessage[] }[] = [];
const queue: Pick<TaskQueue, "send"> = {
  send: async (name, messages) => {
    sent.push({ queue: name, messages });
    return { sent: messages.map((m) => m.id), failed: [] };
  },
};
/** Schedules an entry due `ms` after the pinned clock (negative: already due). */
const scheduleIn = (ms: number, entry: Omit<ScheduleEntry, "at">) =>
  adapter().schedule({ ...entry, at: new Date(now.getTime() + ms) });
const adapter = () =>
  eventBridgeScheduler(config, { client: new SchedulerClient({}), queue, now: () => now });

beforeEach(() => {
  scheduler.reset();
  sent = [];
  scheduler.on(CreateScheduleCommand).resolves({});
});

describe("EventBridge Scheduler adapter", () => {
  it("sends exactly this CreateSchedule input: rounded-up at(), DLQ, retry policy, delete after", async () => {
    const body = JSON.stringify({ kind: "endpoint.auto_disable", org_id: "org_a", endpoint_id: "ep_1" });
    await adapter().schedule({
      name: "disable-ep_1-123",
      at: new Date("2026-03-06T10:00:20.500Z"),
      target: "maintenance",
      body,
    });
    expect(scheduler.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input)).toEqual([
      {
        Name: "disable-ep_1-123",
        GroupName: "hookrelay-prod-x",
        ScheduleExpression: "at(2026-03-06T10:01:00)",
        ScheduleExpressionTimezone: "UTC",
        FlexibleTimeWindow: { Mode: "OFF" },
        ActionAfterCompletion: "DELETE",
        Target: {
          Arn: "arn:aws:lambda:us-east-1:1:function:scheduled",
          RoleArn: "arn:aws:iam::1:role/scheduler",
          Input: body,
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
          DeadLetterConfig: { Arn: "arn:aws:sqs:us-east-1:1:scheduler-dlq" },
        },
      },
    ]);
  });

  it("a retry's wait is its endpoint's run for the due minute: the maintenance function, the endpoint's ids only", async () => {
    await adapter().schedule(waitingRun("org_a", "ep_1", new Date("2026-03-01T11:59:30.000Z")));
    const [call] = scheduler.commandCalls(CreateScheduleCommand);
    const input = call!.args[0].input;
    expect(input).toMatchObject({
      Name: "wait-ep_1-1772366340000",
      ScheduleExpression: "at(2026-03-01T11:59:00)",
      ActionAfterCompletion: "DELETE",
      Target: { Arn: "arn:aws:lambda:us-east-1:1:function:scheduled" },
    });
    // No event data (no personal data) in the schedule, whatever the events waiting.
    expect(JSON.parse(input.Target!.Input!)).toEqual({
      kind: "endpoint.waiting",
      org_id: "org_a",
      endpoint_id: "ep_1",
    });
  });

  it("rounds at() up to the next whole minute, never earlier", () => {
    expect(atExpression(new Date("2026-03-01T10:00:00.000Z"))).toBe("at(2026-03-01T10:00:00)");
    expect(atExpression(new Date("2026-03-01T10:00:00.001Z"))).toBe("at(2026-03-01T10:01:00)");
    expect(atExpression(new Date("2026-03-01T23:59:30.000Z"))).toBe("at(2026-03-02T00:00:00)");
  });

  it("sends a queue entry due within a minute at once, with DelaySeconds, and schedules nothing", async () => {
    await scheduleIn(42_300, { name: "release-msg_1", target: "ingest", body: '{"release":"msg_1"}' });
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(0);
    expect(sent).toEqual([
      { queue: "ingest", messages: [{ id: "release-msg_1", body: '{"release":"msg_1"}', delaySeconds: 43 }] },
    ]);
  });

  it("sends an entry already due at once (no at() in the past)", async () => {
    await scheduleIn(-5000, { name: "r", target: "delivery", body: "{}" });
    expect(sent).toEqual([{ queue: "delivery", messages: [{ id: "r", body: "{}", delaySeconds: 0 }] }]);
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(0);
  });

  it("schedules a maintenance entry due within a minute for the next whole minute", async () => {
    await scheduleIn(1000, { name: "m", target: "maintenance", body: "{}" });
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]!.args[0].input.ScheduleExpression).toBe(
      "at(2026-03-01T10:01:00)",
    );
  });
});

describe("the scheduled function (functions/scheduled.ts)", () => {
  it("starts without MAINTENANCE_FUNCTION_ARN: its own ARN comes from the invocation's context", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    delete process.env.MAINTENANCE_FUNCTION_ARN;
    try {
      // Importing it builds nothing (a cold start reading a missing variable threw before).
      const { handler } = await import("../../functions/scheduled.js");
      const context = { invokedFunctionArn: "arn:aws:lambda:us-east-1:1:function:scheduled:live" };
      await expect(handler({ kind: "not-a-maintenance-event" }, context)).resolves.toEqual({
        done: "ignored",
      });
    } finally {
      process.env = saved;
    }
  });
});
