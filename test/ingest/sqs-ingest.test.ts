/**
 * Publishing through the ingest queue (fauxqs): the handler runs as Lambda would run it,
 * and the tasks are observed on the delivery queue.
 */
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { createDeps } from "../../core/compose.js";
import { ingestEvent } from "../../core/events/ingest.js";
import { createIngestHandler } from "../../core/events/ingest-handler.js";
import { webhookBody } from "../../core/model/message.js";
import type { DeliveryTask } from "../../core/model/task.js";
import { taskId } from "../../core/model/task.js";
import { deliveriesOfMessage } from "../../core/store/deliveries.js";
import { keys } from "../../core/store/keys.js";
import { getMessage, listMessages } from "../../core/store/messages.js";
import { BASE_PLAN } from "../../core/store/shard-plan.js";
import { publishEvent, publishEvents } from "../../packages/client/src/publish.js";
import { putEndpoint } from "../support/endpoints.js";
import { countCalls, failCalls, failEntries } from "../support/faults.js";
import { publishAndProcess, runBatch } from "../support/ingest.js";
import { type DeadLetter, dlqCollector, type QueueCollector, taskCollector } from "../support/queues.js";
import { sqsEvent } from "../support/sqs-event.js";
import { spySqs } from "../support/sqs-spy.js";
import { createTestStack, type TestStack, uniqueOrg } from "../support/stack.js";

let stack: TestStack;
let tasks: QueueCollector<DeliveryTask>;
let dlq: QueueCollector<DeadLetter>;

beforeAll(async () => {
  stack = await createTestStack();
  tasks = taskCollector(stack);
  dlq = dlqCollector(stack);
});

describe("ingest through SQS", () => {
  it("stores the event and enqueues one task per matching endpoint", async () => {
    const org = uniqueOrg();
    const a = await putEndpoint(stack.deps, { org_id: org });
    const b = await putEndpoint(stack.deps, { org_id: org, event_types: ["telephony.complete"] });
    const { response } = await publishAndProcess(stack, [
      { org_id: org, type: "telephony.complete", agent_id: 7, data: { call_id: "c1" } },
    ]);
    expect(response.batchItemFailures).toEqual([]);

    const got = await tasks.expect(org, 2);
    expect(got.map((t) => t.endpoint_id).sort()).toEqual([a.id, b.id].sort());
    const msgId = got[0]!.msg_id;
    const stored = await getMessage(stack.deps.db, org, msgId);
    expect(stored).toMatchObject({
      org_id: org,
      type: "telephony.complete",
      agent_id: "7",
      data: { call_id: "c1" },
      producer_id: null,
      deliver_at: null,
    });
    expect(stored!.targets.sort()).toEqual([a.id, b.id].sort());
    // A complete first fan-out records nothing more: the message is written once.
    expect(stored!.sent).toEqual([]);
    for (const t of got) {
      expect(t).toMatchObject({ v: 1, msg_id: msgId, event_type: "telephony.complete", attempt_base: 0 });
      expect(t.trigger).toBe("event");
      expect(t.body).toBe(webhookBody(stored!));
      expect(JSON.parse(t.body)).toEqual({
        id: msgId,
        type: "telephony.complete",
        timestamp: stored!.created_at,
        agent_id: "7",
        data: { call_id: "c1" },
      });
    }
    // Retention: TTL set on the message item.
    const raw = await stack.deps.db.doc.send(
      new GetCommand({ TableName: stack.deps.db.table, Key: keys.message(org, msgId, BASE_PLAN) }),
    );
    const days = (raw.Item!.expires_at - Date.parse(stored!.created_at) / 1000) / 86400;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThan(30.1);
  });

  it("publishes with the producer helper (single and batch), each message its organization's fair-queue tenant", async () => {
    const org = uniqueOrg();
    await putEndpoint(stack.deps, { org_id: org });
    const spy = spySqs(stack.deps.sqs);
    const one = await publishEvent(stack.deps.sqs, stack.config.queues.ingest, {
      org_id: org,
      type: "web.complete",
      data: { n: 1 },
    });
    await publishEvents(stack.deps.sqs, stack.config.queues.ingest, [
      { org_id: org, type: "web.complete", data: { n: 2 }, id: "batch-1" },
      { org_id: org, type: "web.complete", data: { n: 3 }, deliver_at: new Date(Date.now() - 1000) },
    ]);
    await expect(
      publishEvent(stack.deps.sqs, stack.config.queues.ingest, {
        org_id: org,
        type: "web.complete",
        data: [] as unknown as Record<string, unknown>,
      }),
    ).rejects.toThrow();
    expect(one).toBeTruthy();
    // The three published messages are the only ones this org has on the queue.
    const res = await stack.deps.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: stack.config.queues.ingest,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ["All"],
      }),
    );
    const messages = res.Messages ?? [];
    expect(messages).toHaveLength(3);
    // Each was sent with its org_id as MessageGroupId, which fauxqs takes on a standard queue.
    expect(spy.groups(org, stack.config.queues.ingest)).toEqual([org, org, org]);
    await runBatch(stack, messages);
    const got = await tasks.expect(org, 3);
    expect(got.map((t) => JSON.parse(t.body).data.n).sort()).toEqual([1, 2, 3]);
  });

  it("matches exact types, patterns, empty subscriptions and the agent filter", async () => {
    const org = uniqueOrg();
    const all = await putEndpoint(stack.deps, { org_id: org, event_types: [] });
    const star = await putEndpoint(stack.deps, { org_id: org, event_types: ["*"] });
    const tel = await putEndpoint(stack.deps, { org_id: org, event_types: ["telephony.*"] });
    const exact = await putEndpoint(stack.deps, { org_id: org, event_types: ["telephony.tool"] });
    const other = await putEndpoint(stack.deps, {
      org_id: org,
      event_types: ["web.*", "chat.message.completed"],
    });
    const agentA = await putEndpoint(stack.deps, { org_id: org, agent_id: "agent-a" });
    const agentB = await putEndpoint(stack.deps, {
      org_id: org,
      agent_id: "agent-b",
      event_types: ["telephony.*"],
    });
    const failing = await putEndpoint(stack.deps, {
      org_id: org,
      status: "failing",
      event_types: ["telephony.complete"],
    });

    const { response } = await publishAndProcess(stack, [
      { org_id: org, type: "telephony.complete", agent_id: "agent-a", data: { i: 1 } },
      { org_id: org, type: "chat.message.completed", data: { i: 2 } },
    ]);
    expect(response.batchItemFailures).toEqual([]);
    const got = await tasks.expect(org, 8);
    const byType = (type: string) =>
      got
        .filter((t) => t.event_type === type)
        .map((t) => t.endpoint_id)
        .sort();
    expect(byType("telephony.complete")).toEqual([all.id, star.id, tel.id, agentA.id, failing.id].sort());
    // No agent on the event: endpoints filtered to an agent do not get it.
    expect(byType("chat.message.completed")).toEqual([all.id, star.id, other.id].sort());
    expect(got.map((t) => t.endpoint_id)).not.toContain(exact.id);
    expect(got.map((t) => t.endpoint_id)).not.toContain(agentB.id);
  });

  it("skips disabled endpoints and records the skip", async () => {
    const org = uniqueOrg();
    const active = await putEndpoint(stack.deps, { org_id: org });
    const disabled = await putEndpoint(stack.deps, { org_id: org, status: "disabled" });
    const unrelated = await putEndpoint(stack.deps, {
      org_id: org,
      status: "disabled",
      event_types: ["web.*"],
    });
    await publishAndProcess(stack, [{ org_id: org, type: "issue.reported", data: { x: 1 } }]);
    const got = await tasks.expect(org, 1);
    expect(got.map((t) => t.endpoint_id)).toEqual([active.id]);
    const msgId = got[0]!.msg_id;
    const deliveries = await deliveriesOfMessage(stack.deps.db, org, msgId);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({
      endpoint_id: disabled.id,
      status: "skipped",
      event_type: "issue.reported",
      attempts: 0,
    });
    expect(deliveries.map((d) => d.endpoint_id)).not.toContain(unrelated.id);
    // Recoverable: the sparse index keys are on the item.
    const ref = await stack.deps.deliveryStore.recoverableRef(org, msgId, disabled.id);
    const raw = await stack.deps.db.doc.send(
      new GetCommand({ TableName: stack.deps.db.table, Key: ref!.key }),
    );
    // Parked: resumed when the endpoint is re-enabled (docs/delivery.md).
    expect(raw.Item!.gsi2pk).toBe(
      keys.parked(org, disabled.id, raw.Item!.created_at, msgId, BASE_PLAN).gsi2pk,
    );
    const stored = await getMessage(stack.deps.db, org, msgId);
    expect(stored!.targets).toEqual([active.id]);
  });

  it("accepts a producer id once: a duplicate is acknowledged without new tasks; another payload is dead-lettered", async () => {
    const org = uniqueOrg();
    await putEndpoint(stack.deps, { org_id: org });
    await putEndpoint(stack.deps, { org_id: org });
    const event = { org_id: org, id: "call-123.completed", type: "telephony.complete", data: { v: 1 } };
    const first = await publishAndProcess(stack, [event]);
    expect(first.response.batchItemFailures).toEqual([]);
    await tasks.expect(org, 2);
    const second = await publishAndProcess(stack, [event, { ...event, data: { v: 2 } }]);
    expect(second.response.batchItemFailures).toEqual([]);
    expect(await tasks.settled(org)).toHaveLength(2);
    const page = await listMessages(stack.deps.db, org, { limit: 10 });
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ producer_id: "call-123.completed", data: { v: 1 } });
    // The conflicting copy is not lost: the ingest DLQ keeps it, with the reason.
    const [dead] = await dlq.expect(org, 1);
    expect(dead!.code).toBe("idempotency_conflict");
    expect(JSON.parse(dead!.body)).toEqual({ ...event, data: { v: 2 } });
    // The same id in another organization is another event.
    const org2 = uniqueOrg();
    await putEndpoint(stack.deps, { org_id: org2 });
    await publishAndProcess(stack, [{ ...event, org_id: org2 }]);
    await tasks.expect(org2, 1);
  });

  it("recognises a redelivered SQS message without a producer id", async () => {
    const org = uniqueOrg();
    await putEndpoint(stack.deps, { org_id: org });
    const handler = createIngestHandler(stack.deps);
    const event = sqsEvent([
      { id: "5f0c1a2e-sqs-redelivered", body: { org_id: org, type: "web.tool", data: {} } },
    ]);
    expect(await handler(event)).toEqual({ batchItemFailures: [] });
    expect(await handler(event)).toEqual({ batchItemFailures: [] });
    expect(await tasks.settled(org)).toHaveLength(1);
    expect((await listMessages(stack.deps.db, org, { limit: 10 })).items).toHaveLength(1);
  });

  it("completes a partially fanned-out event on redelivery without duplicating tasks", async () => {
    const org = uniqueOrg();
    const eps = await Promise.all(Array.from({ length: 23 }, () => putEndpoint(stack.deps, { org_id: org })));
    // A process whose second SendMessageBatch fails (after the SDK's own retries).
    const flaky = createDeps(stack.config);
    failCalls(flaky.sqs, "SendMessageBatchCommand", (n) => n === 2);
    const body = { org_id: org, type: "call.graded", data: { score: 9 } };
    const { response, messages } = await publishAndProcess(stack, [body], flaky);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: messages[0]!.MessageId }]);

    const partial = await tasks.settled(org);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(23);
    const msgId = partial[0]!.msg_id;
    const stored = await getMessage(stack.deps.db, org, msgId);
    expect(stored!.targets).toHaveLength(23);
    expect(stored!.sent.sort()).toEqual(partial.map((t) => t.endpoint_id).sort());

    // SQS redelivers the same message (same message id) to a healthy invocation.
    const handler = createIngestHandler(stack.deps);
    const redelivered = sqsEvent([
      {
        id: messages[0]!.MessageId!,
        body,
        sentAt: Number(messages[0]!.Attributes!.SentTimestamp),
      },
    ]);
    expect(await handler(redelivered)).toEqual({ batchItemFailures: [] });
    const all = await tasks.expect(org, 23);
    expect(all).toHaveLength(23);
    expect(new Set(all.map((t) => taskId(t.msg_id, t.endpoint_id))).size).toBe(23);
    expect(all.map((t) => t.endpoint_id).sort()).toEqual(eps.map((e) => e.id).sort());
    const done = await getMessage(stack.deps.db, org, msgId);
    expect(new Set(done!.sent).size).toBe(23);
    // Once complete, another redelivery sends nothing.
    expect(await handler(redelivered)).toEqual({ batchItemFailures: [] });
    expect(await tasks.settled(org)).toHaveLength(23);
  });

  it("completes a partial fan-out of an event with a producer id when it is published again", async () => {
    const org = uniqueOrg();
    await Promise.all(Array.from({ length: 12 }, () => putEndpoint(stack.deps, { org_id: org })));
    const flaky = createDeps(stack.config);
    failCalls(flaky.sqs, "SendMessageBatchCommand", (n) => n === 1);
    const body = { org_id: org, id: "retry-me", type: "call.graded", data: {} };
    const first = await publishAndProcess(stack, [body], flaky);
    expect(first.response.batchItemFailures).toHaveLength(1);
    // The producer publishes again (a new SQS message with the same producer id).
    const second = await publishAndProcess(stack, [body]);
    expect(second.response.batchItemFailures).toEqual([]);
    const all = await tasks.expect(org, 12);
    expect(new Set(all.map((t) => t.endpoint_id)).size).toBe(12);
    expect(all).toHaveLength(12);
  });

  it("reports transient storage failures for retry and processes the rest", async () => {
    const org = uniqueOrg();
    await putEndpoint(stack.deps, { org_id: org });
    const flaky = createDeps(stack.config);
    // The first write fails; the second record's write succeeds.
    failCalls(flaky.db.doc, "PutItemCommand", (n) => n === 1);
    const handler = createIngestHandler(flaky);
    const res = await handler(
      sqsEvent([
        { id: "t-1", body: { org_id: org, type: "web.incoming", data: { k: 1 } } },
        { id: "t-2", body: { org_id: org, type: "web.incoming", data: { k: 2 } } },
      ]),
    );
    expect(res.batchItemFailures).toHaveLength(1);
    expect(await tasks.expect(org, 1)).toHaveLength(1);
  });

  it("sends one set of tasks when copies of an event arrive at the same time", async () => {
    const org = uniqueOrg();
    await Promise.all(Array.from({ length: 3 }, () => putEndpoint(stack.deps, { org_id: org })));
    const event = { org_id: org, id: "concurrent-1", type: "web.complete", data: {} };
    const results = await Promise.all(Array.from({ length: 5 }, () => ingestEvent(stack.deps, event)));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    // And one SQS message delivered to three invocations at once.
    const handler = createIngestHandler(stack.deps);
    const record = sqsEvent([{ id: "same-sqs-id", body: { org_id: org, type: "web.tool", data: {} } }]);
    const responses = await Promise.all([handler(record), handler(record), handler(record)]);
    expect(responses.flatMap((r) => r.batchItemFailures)).toEqual([]);
    const got = await tasks.expect(org, 6);
    expect(got).toHaveLength(6);
    expect(new Set(got.map((t) => taskId(t.msg_id, t.endpoint_id))).size).toBe(6);
  });

  it("sends the tasks of a whole batch together and writes each message once", async () => {
    const org = uniqueOrg();
    const ep = await putEndpoint(stack.deps, { org_id: org });
    const counted = createDeps(stack.config);
    const calls = countCalls(counted.sqs);
    const dbCalls = countCalls(counted.db.doc);
    const handler = createIngestHandler(counted);
    const records = Array.from({ length: 10 }, (_, i) => ({
      id: `batch-${org}-${i}`,
      body: { org_id: org, type: "web.complete", data: { i } },
    }));
    expect(await handler(sqsEvent(records))).toEqual({ batchItemFailures: [] });
    const got = await tasks.expect(org, 10);
    expect(got.map((t) => JSON.parse(t.body).data.i).sort((a, b) => a - b)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    // Ten claims, one SendMessageBatch for the ten tasks, and no completion write: the
    // message is written once (its lease lapses; docs/cost.md).
    expect(calls()).toEqual({ SendMessageBatchCommand: 1 });
    const db = dbCalls();
    expect(db.PutItemCommand).toBe(10);
    expect(db.BatchWriteItemCommand).toBeUndefined();
    expect(db.UpdateItemCommand).toBeUndefined();
    for (const t of got) {
      const raw = await stack.deps.db.doc.send(
        new GetCommand({ TableName: stack.deps.db.table, Key: keys.message(org, t.msg_id, BASE_PLAN) }),
      );
      expect(raw.Item).toMatchObject({ targets: [ep.id], sent: [], data: JSON.parse(t.body).data });
      expect(raw.Item!.expires_at).toBeGreaterThan(Date.now() / 1000 + 29 * 86400);
    }
  });

  it("needs no send and no completion write for events without targets", async () => {
    const org = uniqueOrg();
    const counted = createDeps(stack.config);
    const calls = countCalls(counted.sqs);
    const dbCalls = countCalls(counted.db.doc);
    const handler = createIngestHandler(counted);
    const res = await handler(
      sqsEvent([
        { id: `none-${org}-1`, body: { org_id: org, type: "web.complete", data: {} } },
        { id: `none-${org}-2`, body: { org_id: org, type: "web.tool", data: {} } },
      ]),
    );
    expect(res).toEqual({ batchItemFailures: [] });
    expect(calls()).toEqual({});
    const db = dbCalls();
    expect(db.PutItemCommand).toBe(2);
    expect(db.BatchWriteItemCommand).toBeUndefined();
    expect(db.UpdateItemCommand).toBeUndefined();
    expect((await listMessages(stack.deps.db, org, { limit: 10 })).items).toHaveLength(2);
  });

  it("fails only the event whose task SQS keeps refusing, even in a call shared with other events", async () => {
    const org = uniqueOrg();
    const a = await putEndpoint(stack.deps, { org_id: org });
    const b = await putEndpoint(stack.deps, { org_id: org });
    const flaky = createDeps(stack.config);
    // Every attempt at the task of the "poison" event for endpoint b is refused.
    failEntries(flaky.sqs, (body) => body.includes("poison") && body.includes(b.id));
    // The send time is part of a derived message id: a redelivery carries the original one.
    const sentAt = Date.now();
    const records = ["ok-1", "poison", "ok-3"].map((k, i) => ({
      id: `mix-${org}-${i + 1}`,
      body: { org_id: org, type: "web.complete", data: { k } },
      sentAt,
    }));
    const res = await createIngestHandler(flaky)(sqsEvent(records));
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: `mix-${org}-2` }]);
    const first = await tasks.expect(org, 5);
    expect(first).toHaveLength(5);
    const poison = first.find((t) => JSON.parse(t.body).data.k === "poison")!;
    expect(poison.endpoint_id).toBe(a.id);
    // What did go out is recorded and the lease given up, so the retry can proceed at once.
    const raw = await stack.deps.db.doc.send(
      new GetCommand({ TableName: stack.deps.db.table, Key: keys.message(org, poison.msg_id, BASE_PLAN) }),
    );
    expect(raw.Item!.sent).toEqual([a.id]);
    expect(raw.Item!.lease_until).toBeUndefined();
    // The complete ones record nothing more: their message was written once.
    for (const t of first.filter((t) => t !== poison)) {
      const m = await getMessage(stack.deps.db, org, t.msg_id);
      expect(m!.sent).toEqual([]);
    }

    // SQS redelivers the failed record to a healthy invocation: only the missing task goes out.
    const retry = await createIngestHandler(stack.deps)(sqsEvent([records[1]!]));
    expect(retry).toEqual({ batchItemFailures: [] });
    const all = await tasks.expect(org, 6);
    expect(all).toHaveLength(6);
    expect(new Set(all.map((t) => taskId(t.msg_id, t.endpoint_id))).size).toBe(6);
    const done = await getMessage(stack.deps.db, org, poison.msg_id);
    expect(done!.sent.sort()).toEqual([a.id, b.id].sort());
  });

  it("records a completed retry one message at a time when the batch write fails", async () => {
    const org = uniqueOrg();
    const ep = await putEndpoint(stack.deps, { org_id: org });
    // A first pass whose sends all fail: nothing went out, the leases are given up.
    const down = createDeps(stack.config);
    failEntries(down.sqs, () => true);
    const sentAt = Date.now(); // part of the derived message id: the redelivery carries it
    const records = [1, 2, 3].map((i) => ({
      id: `bw-${org}-${i}`,
      body: { org_id: org, type: "web.complete", data: { i } },
      sentAt,
    }));
    expect((await createIngestHandler(down)(sqsEvent(records))).batchItemFailures).toHaveLength(3);
    // The redelivery completes them and records it; its batch write fails, so one update each.
    const flaky = createDeps(stack.config);
    failCalls(flaky.db.doc, "BatchWriteItemCommand", () => true);
    const dbCalls = countCalls(flaky.db.doc);
    expect(await createIngestHandler(flaky)(sqsEvent(records))).toEqual({ batchItemFailures: [] });
    const got = await tasks.expect(org, 3);
    expect(got).toHaveLength(3);
    expect(dbCalls().UpdateItemCommand).toBe(6); // 3 lease acquisitions, 3 completion fallbacks
    for (const t of got) {
      const raw = await stack.deps.db.doc.send(
        new GetCommand({ TableName: stack.deps.db.table, Key: keys.message(org, t.msg_id, BASE_PLAN) }),
      );
      expect(raw.Item!.sent).toEqual([ep.id]);
      expect(raw.Item!.lease_until).toBeUndefined();
    }
  });
});
