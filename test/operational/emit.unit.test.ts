/**
 * Emitting operational events: each is published on the ingest queue as an event of the
 * platform organization (the in-memory task queue) and put on the EventBridge bus when one is
 * configured (EventBridge has no emulator here: aws-sdk-client-mock, the exact requests and
 * failures on demand). The whole path on the local stack is test/e2e/operational-events.test.ts.
 */
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../core/config/runtime.js";
import { ingestMessage } from "../../core/model/client.js";
import type { QueueMessage, QueueName, TaskQueue } from "../../core/model/task-queue.js";
import { emitOperational, ingestMessageOf } from "../../core/operational/emit.js";
import { endpointFailing, messageDeadLettered } from "../../core/operational/events.js";
import { operationalBus } from "../../core/queue/event-bus.js";
import { type MemoryTaskQueue, memoryTaskQueue } from "../../core/queue/memory-queue.js";

const base = {
  TABLE_NAME: "t",
  INGEST_QUEUE_URL: "https://sqs/ingest",
  INGEST_DLQ_URL: "https://sqs/ingest-dlq",
  DELIVERY_QUEUE_URL: "https://sqs/delivery",
  DELIVERY_DLQ_URL: "https://sqs/delivery-dlq",
  PLATFORM_ORG_ID: "org_platform",
};
const at = new Date("2026-03-01T10:00:00.000Z");
const ep = { org_id: "org_a", id: "ep_1", consecutive_failures: 7, last_error: "HTTP 500" };
const ebMock = mockClient(EventBridgeClient);
let queue: MemoryTaskQueue;

function depsWith(env: Record<string, string> = {}) {
  const config = loadConfig({ ...base, ...env });
  return { config, taskQueue: queue, operationalBus: operationalBus(config, new EventBridgeClient({})) };
}

const sentBodies = () => queue.messages("ingest").map((m) => JSON.parse(m.body));

beforeEach(() => {
  queue = memoryTaskQueue(loadConfig(base).queues, () => at);
  ebMock.reset();
  ebMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
});

describe("emitOperational", () => {
  it("publishes an event of the platform organization on the ingest queue, keyed for idempotency", async () => {
    const run = { firstFailureAt: "2026-03-01T09:00:00.000Z", since: "2026-03-01T10:00:00.000Z" };
    await emitOperational(depsWith(), [endpointFailing(ep, run)]);
    const [body] = sentBodies();
    expect(body).toEqual({
      org_id: "org_platform",
      type: "hookrelay.endpoint.failing",
      id: "failing:ep_1:2026-03-01T10:00:00.000Z",
      data: {
        org_id: "org_a",
        endpoint_id: "ep_1",
        reason: "HTTP 500",
        occurred_at: at.toISOString(),
        consecutive_failures: 7,
        first_failure_at: run.firstFailureAt,
        failing_since: run.since,
      },
    });
    // What ingest accepts: the producer's schema.
    expect(ingestMessage.safeParse(body).success).toBe(true);
    // No bus configured (the local stack): nothing is put.
    expect(ebMock.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it("names the platform organization as each message's fair-queue tenant (MessageGroupId), as a producer's organization", async () => {
    const run = { firstFailureAt: "2026-03-01T09:00:00.000Z", since: "2026-03-01T10:00:00.000Z" };
    const deps = depsWith();
    const sent: QueueMessage[] = [];
    const taskQueue = {
      ...deps.taskQueue,
      send: (name: QueueName, messages: QueueMessage[]) => {
        sent.push(...messages);
        return queue.send(name, messages);
      },
    } as TaskQueue;
    await emitOperational({ ...deps, taskQueue }, [endpointFailing(ep, run), endpointFailing(ep, run)]);
    expect(sent.map((m) => m.tenant)).toEqual(["org_platform", "org_platform"]);
  });

  it("an occurrence emitted again (a retried batch) carries the same payload: ingest takes it as a duplicate, never a conflict", async () => {
    const run = { firstFailureAt: "2026-03-01T09:00:00.000Z", since: "2026-03-01T10:00:00.000Z" };
    const letter = { org_id: "org_a", endpoint_id: "ep_1", msg_id: "msg_1", event_type: "call.graded" };
    const attemptStarted = new Date("2026-03-01T10:05:00.000Z");
    await emitOperational(depsWith(), [
      endpointFailing(ep, run),
      messageDeadLettered(letter, "HTTP 500", 3, attemptStarted),
    ]);
    await emitOperational(depsWith(), [
      endpointFailing(ep, run),
      messageDeadLettered(letter, "HTTP 500", 3, attemptStarted),
    ]);
    const [a, b, c, d] = sentBodies();
    expect(c).toEqual(a);
    expect(d).toEqual(b);
  });

  it("never emits dead_lettered about a delivery of an operational event (it would feed itself)", async () => {
    const letter = (event_type: string) =>
      messageDeadLettered(
        { org_id: "org_platform", endpoint_id: "ep_ops", msg_id: "msg_1", event_type },
        "HTTP 500",
        6,
        at,
      );
    await emitOperational(depsWith(), [letter("hookrelay.endpoint.failing"), letter("call.graded")]);
    expect(sentBodies().map((b) => b.data.event_type)).toEqual(["call.graded"]);
    await emitOperational(depsWith(), [letter("hookrelay.message.dead_lettered")]);
    expect(sentBodies()).toHaveLength(1);
  });

  it("a key built from unusually long ids is hashed to fit the producer id", () => {
    const long = messageDeadLettered(
      {
        org_id: "o",
        endpoint_id: `ep_${"x".repeat(100)}`,
        msg_id: `msg_${"y".repeat(100)}`,
        event_type: "t",
      },
      "r",
      1,
      at,
    );
    const m = ingestMessageOf("org_platform", long);
    expect(m.id).toMatch(/^h:[0-9a-f]{64}$/);
    expect(ingestMessage.safeParse(m).success).toBe(true);
  });

  it("with a bus, puts each event on it too (source hookrelay, detail-type the event type)", async () => {
    const run = { firstFailureAt: at.toISOString(), since: at.toISOString() };
    await emitOperational(depsWith({ OPERATIONAL_EVENT_BUS: "hookrelay-prod-operational" }), [
      endpointFailing(ep, run),
    ]);
    const [call] = ebMock.commandCalls(PutEventsCommand);
    const [entry] = call!.args[0].input.Entries!;
    expect(entry).toMatchObject({
      EventBusName: "hookrelay-prod-operational",
      Source: "hookrelay",
      DetailType: "hookrelay.endpoint.failing",
      Time: at,
    });
    expect(JSON.parse(entry!.Detail!)).toMatchObject({
      type: "hookrelay.endpoint.failing",
      data: { org_id: "org_a", endpoint_id: "ep_1" },
    });
  });

  it("a queue or a bus that refuses does not fail the caller (logged and dropped)", async () => {
    queue.send = () => Promise.reject(new Error("queue down"));
    ebMock.on(PutEventsCommand).rejects(new Error("bus down"));
    const run = { firstFailureAt: at.toISOString(), since: at.toISOString() };
    await expect(
      emitOperational(depsWith({ OPERATIONAL_EVENT_BUS: "b" }), [endpointFailing(ep, run)]),
    ).resolves.toBeUndefined();
  });
});
