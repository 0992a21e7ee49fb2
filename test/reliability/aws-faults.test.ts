/**
 * DynamoDB and SQS failing transiently: the error paths the emulators cannot produce
 * (throttling, partial batch failures, 5xx), injected with the suite's one fault-injection
 * mechanism (test/support/faults.ts). Everything not injected goes through to the real
 * emulators, so the handlers run their real code against real state.
 *
 * Promised: a transient failure never loses an event or a delivery. It becomes a retry (a
 * batch item failure: SQS hands the record back) and the retry completes the work, or the
 * work is retried inside the call (partial SendMessageBatch / BatchWriteItem failures).
 */
import {
  InternalServerError as DynamoInternalError,
  ProvisionedThroughputExceededException,
} from "@aws-sdk/client-dynamodb";
import { type Message, type SendMessageBatchCommandInput, SQSClient } from "@aws-sdk/client-sqs";
import type { BatchWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import type { SQSEvent } from "aws-lambda";
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import type { Deps } from "../../core/all-deps.js";
import { createDeliveryHandler } from "../../core/delivery/handler.js";
import { createIngestHandler } from "../../core/events/ingest-handler.js";
import { logger } from "../../core/log/logger.js";
import { type DeliveryTask, deliveryTask } from "../../core/model/task.js";
import { SendError, sendAll } from "../../core/queue/send.js";
import { attemptsOfMessage } from "../../core/store/attempts.js";
import { deliveryOf, enqueue, taskFor } from "../support/deliveries.js";
import { putEndpoint } from "../support/endpoints.js";
import { interpose } from "../support/faults.js";
import { runBatch } from "../support/ingest.js";
import { receiveAll, receiveWhere } from "../support/queues.js";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { sqsEvent } from "../support/sqs-event.js";
import { createTestStack, type TestStack, uniqueOrg } from "../support/stack.js";

const throttled = () =>
  new ProvisionedThroughputExceededException({
    message: "Rate of requests exceeds the allowed throughput",
    $metadata: {},
  });
const sqsDown = () =>
  Object.assign(new Error("We encountered an internal error"), { name: "InternalError", $fault: "server" });

let stack: TestStack;
let deps: Deps;
let receiver: Receiver;
const faults: { restore(): void }[] = [];

beforeAll(async () => {
  logger.setLogLevel("CRITICAL");
  stack = await createTestStack({ RETRY_SCHEDULE: "1", ENDPOINT_CACHE_SECONDS: "0" });
  deps = stack.deps;
  receiver = await startReceiver();
});
afterEach(() => {
  for (const f of faults.splice(0)) f.restore();
});
afterAll(async () => {
  await receiver.close();
});

/** Every `command` call of `client` fails with `error()` until the test ends. */
function failEvery(client: unknown, command: string, error: () => Error) {
  faults.push(
    interpose(client, ({ command: cmd }) => (cmd === command ? Promise.reject(error()) : undefined)),
  );
}

/** Tasks on the delivery queue for an organization (received, then left to expire). */
async function tasksOnQueue(org: string) {
  const messages = await receiveAll(deps.sqs, stack.config.queues.delivery);
  return messages.map((m) => deliveryTask.parse(JSON.parse(m.Body!))).filter((t) => t.org_id === org);
}

async function dlqBodies(url: string): Promise<Message[]> {
  return receiveAll(deps.sqs, url);
}

describe("SQS batch sends", () => {
  const fake = () =>
    new SQSClient({
      region: "us-east-1",
      endpoint: "http://127.0.0.1:9",
      credentials: { accessKeyId: "x", secretAccessKey: "x" },
    });
  const messages = Array.from({ length: 12 }, (_, i) => ({ id: `m${i}`, body: `{"n":${i}}` }));
  /** Answers the client's SendMessageBatch calls (nothing reaches the network). */
  const batchSends = (sqs: SQSClient, answer: (input: SendMessageBatchCommandInput) => unknown) =>
    faults.push(
      interpose(sqs, (call) =>
        call.command === "SendMessageBatchCommand"
          ? answer(call.input as unknown as SendMessageBatchCommandInput)
          : undefined,
      ),
    );

  it("retries the entries a SendMessageBatch reports as failed (server side) until they go", async () => {
    const sqs = fake();
    const calls: string[][] = [];
    let first = true;
    batchSends(sqs, (input) => {
      const ids = (input.Entries ?? []).map((e) => e.Id!);
      calls.push(ids);
      const failed = first ? ids.slice(0, 2) : [];
      first = false;
      return {
        Successful: ids
          .filter((id) => !failed.includes(id))
          .map((Id) => ({ Id, MessageId: Id, MD5OfMessageBody: "" })),
        Failed: failed.map((Id) => ({ Id, SenderFault: false, Code: "InternalError" })),
      };
    });
    const sent = await sendAll(sqs, "q", messages);
    expect(new Set(sent)).toEqual(new Set(messages.map((m) => m.id)));
    expect(sent).toHaveLength(12);
    // 10 + 2 first, then only the two failed entries again.
    expect(calls.map((c) => c.length)).toEqual(expect.arrayContaining([2]));
    expect(calls.flat()).toHaveLength(14);
  });

  it("reports what never went (and what did) after the retries; sender faults are not retried", async () => {
    const sqs = fake();
    let calls = 0;
    batchSends(sqs, (input) => {
      calls++;
      const entries = input.Entries ?? [];
      return {
        Successful: entries
          .filter((e) => !e.MessageBody!.includes('"n":3}') && !e.MessageBody!.includes('"n":4}'))
          .map((e) => ({ Id: e.Id!, MessageId: e.Id!, MD5OfMessageBody: "" })),
        Failed: entries
          .filter((e) => e.MessageBody!.includes('"n":3}') || e.MessageBody!.includes('"n":4}'))
          .map((e) => ({ Id: e.Id!, SenderFault: e.MessageBody!.includes('"n":4}'), Code: "X" })),
      };
    });
    const err = await sendAll(sqs, "q", messages.slice(0, 6)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SendError);
    expect(new Set((err as SendError).failedIds)).toEqual(new Set(["m3", "m4"]));
    expect(new Set((err as SendError).sentIds)).toEqual(new Set(["m0", "m1", "m2", "m5"]));
    expect(calls).toBeGreaterThanOrEqual(1);
  });

  it("a SendMessageBatch that throws is not swallowed", async () => {
    const sqs = fake();
    batchSends(sqs, () => Promise.reject(sqsDown()));
    await expect(sendAll(sqs, "q", messages)).rejects.toThrow();
  });
});

describe("ingest under transient failures", () => {
  const event = (org: string, n: number) =>
    JSON.stringify({ org_id: org, type: "voice.call.ended", data: { n } });

  it("a throttled message write defers the record: acknowledged, its delayed copy stores and fans out everything", async () => {
    const org = uniqueOrg();
    const eps = await Promise.all(
      [1, 2, 3].map(() => putEndpoint(deps, { org_id: org, max_retries: 0, url: receiver.url })),
    );
    let failures = 0;
    faults.push(
      interpose(deps.db.doc, ({ command: cmd }) => {
        if (
          [
            "PutItemCommand",
            "TransactWriteItemsCommand",
            "BatchWriteItemCommand",
            "UpdateItemCommand",
          ].includes(cmd) &&
          failures === 0
        ) {
          failures++;
          return Promise.reject(throttled());
        }
        return undefined;
      }),
    );
    const handler = createIngestHandler(deps);
    const ev = sqsEvent([event(org, 1)]);
    const first = await handler(ev);
    expect(failures).toBe(1);
    // The refused message write (the first write of an event without a producer id) defers the
    // event (core/events/defer.ts): the record is acknowledged and a delayed copy of it goes on
    // the ingest queue, which SQS hands to the function like any record; the table answers then.
    expect(first.batchItemFailures).toEqual([]);
    const copies = await receiveWhere(deps.sqs, stack.config.queues.ingest, (m) => m.Body!.includes(org));
    expect(JSON.parse(copies[0]!.Body!)).toMatchObject({ hookrelay: "deferred", org_id: org, deferrals: 1 });
    const retry = await runBatch(stack, copies, deps);
    expect(retry.batchItemFailures).toEqual([]);
    const tasks = await tasksOnQueue(org);
    expect(new Set(tasks.map((t) => t.endpoint_id))).toEqual(new Set(eps.map((e) => e.id)));
    expect(new Set(tasks.map((t) => t.msg_id)).size).toBe(1);
    // Nothing went to the ingest DLQ: a throttle is not an invalid message.
    expect((await dlqBodies(stack.config.queues.ingestDlq)).filter((m) => m.Body?.includes(org))).toEqual([]);
  });

  it("every DynamoDB call failing once in turn: each record is retried until done, nothing lost", async () => {
    const org = uniqueOrg();
    const eps = await Promise.all(
      [1, 2].map(() => putEndpoint(deps, { org_id: org, max_retries: 0, url: receiver.url })),
    );
    const failedOnce = new Set<string>();
    faults.push(
      interpose(deps.db.doc, ({ command: cmd }) => {
        if (failedOnce.has(cmd)) return undefined;
        failedOnce.add(cmd);
        return Promise.reject(new DynamoInternalError({ message: "internal server error", $metadata: {} }));
      }),
    );
    const handler = createIngestHandler(deps);
    let ev: SQSEvent = sqsEvent([event(org, 1), event(org, 2), event(org, 3)]);
    for (let round = 1; ev.Records.length > 0; round++) {
      expect(round, "records keep failing").toBeLessThan(15);
      const res = await handler(ev);
      const failed = new Set(res.batchItemFailures.map((f) => f.itemIdentifier));
      ev = { Records: ev.Records.filter((r) => failed.has(r.messageId)) };
    }
    const tasks = await tasksOnQueue(org);
    const pairs = new Set(tasks.map((t) => `${t.msg_id}/${t.endpoint_id}`));
    expect(new Set(tasks.map((t) => t.msg_id)).size).toBe(3);
    expect(pairs.size).toBe(3 * eps.length);
  });

  it("SendMessageBatch failing for some entries: retried in the call, then on redelivery; every task goes out", async () => {
    const org = uniqueOrg();
    const eps = await Promise.all(
      Array.from({ length: 12 }, () => putEndpoint(deps, { org_id: org, max_retries: 0, url: receiver.url })),
    );
    let calls = 0;
    faults.push(
      interpose(deps.sqs, ({ command: cmd, input, send }) => {
        if (cmd !== "SendMessageBatchCommand") return undefined;
        calls++;
        // The first five calls refuse one entry (server side): more than one call's retries.
        if (calls > 5) return undefined;
        const entries = (input as unknown as SendMessageBatchCommandInput).Entries ?? [];
        const [bad, ...good] = entries;
        return send({ ...input, Entries: good }).then((res) => ({
          ...(res as object),
          Failed: [{ Id: bad!.Id!, SenderFault: false, Code: "InternalError" }],
        }));
      }),
    );
    const handler = createIngestHandler(deps);
    const ev = sqsEvent([event(org, 7)]);
    let res = await handler(ev);
    for (let round = 2; res.batchItemFailures.length > 0; round++) {
      expect(round).toBeLessThan(6);
      res = await handler({
        Records: [
          {
            ...ev.Records[0]!,
            attributes: { ...ev.Records[0]!.attributes, ApproximateReceiveCount: String(round) },
          },
        ],
      });
    }
    const tasks = await tasksOnQueue(org);
    expect(new Set(tasks.map((t) => t.endpoint_id))).toEqual(new Set(eps.map((e) => e.id)));
  });

  it("an invalid message whose dead-lettering fails is retried, not dropped", async () => {
    let refused = 0;
    faults.push(
      interpose(deps.sqs, ({ command: cmd }) => {
        if (cmd === "SendMessageCommand" || cmd === "SendMessageBatchCommand") {
          refused++;
          return Promise.reject(sqsDown());
        }
        return undefined;
      }),
    );
    const handler = createIngestHandler(deps);
    const ev = sqsEvent(["{not json"]);
    const res = await handler(ev);
    expect(refused).toBeGreaterThan(0);
    expect(res.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([ev.Records[0]!.messageId]);
  });
});

describe("delivery under transient failures", () => {
  /** A task enqueued and received for real, so receipt handles work. */
  async function received(org: string, max_retries = 5) {
    const ep = await putEndpoint(deps, { org_id: org, url: receiver.url, max_retries });
    const t = taskFor(ep, { org });
    await enqueue(deps, t);
    const messages = await receiveWhere(deps.sqs, stack.config.queues.delivery, (m) =>
      (m.Body ?? "").includes(t.msg_id),
    );
    const m = messages[0]!;
    const ev = sqsEvent([m.Body!], Number(m.Attributes?.ApproximateReceiveCount ?? 1));
    ev.Records[0]!.receiptHandle = m.ReceiptHandle!;
    ev.Records[0]!.messageId = m.MessageId!;
    return { ep, t, ev };
  }

  /** A task for an endpoint of a fresh organization on a receiver that always answers `status`. */
  async function failingTask(status: number, max_retries: number) {
    const org = uniqueOrg();
    const failing = await startReceiver({ fallback: { status } });
    onTestFinished(() => failing.close());
    const ep = await putEndpoint(deps, { org_id: org, url: failing.url, max_retries });
    return { org, failing, t: taskFor(ep) };
  }

  /** The delivery handler's answer to an SQS event holding the task. */
  async function handled(t: DeliveryTask) {
    const ev = sqsEvent([JSON.stringify(t)]);
    return { ev, res: await createDeliveryHandler(deps)(ev) };
  }

  it("a throttled endpoint lookup leaves the record on the queue (no request, no DLQ)", async () => {
    const org = uniqueOrg();
    const { t, ev } = await received(org);
    // Delivery reads its task's endpoint by key (core/endpoints/directory.ts): a GetItem.
    failEvery(deps.db.doc, "GetItemCommand", throttled);
    const before = receiver.requests.length;
    const res = await createDeliveryHandler(deps)(ev);
    expect(res.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([ev.Records[0]!.messageId]);
    expect(receiver.requests.filter((r) => r.body === t.body)).toHaveLength(0);
    expect(receiver.requests.length).toBe(before);
  });

  it("a dead-letter that SQS refuses keeps the exhausted task on the queue instead of dropping it", async () => {
    const { org, failing, t } = await failingTask(500, 0);
    faults.push(
      interpose(deps.sqs, ({ command: cmd, input }) =>
        cmd === "SendMessageBatchCommand" && input.QueueUrl === stack.config.queues.deliveryDlq
          ? Promise.reject(sqsDown())
          : undefined,
      ),
    );
    const { ev, res } = await handled(t);
    expect(failing.requests).toHaveLength(1);
    expect(res.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([ev.Records[0]!.messageId]);
    // The attempt itself is on record.
    const attempts = await attemptsOfMessage(deps.db, org, t.msg_id, { limit: 10 }, [t.endpoint_id]);
    expect(attempts.attempts).toHaveLength(1);
  });

  it("a refused visibility change still reports the retry (the record returns after the default timeout)", async () => {
    const { t } = await failingTask(503, 3);
    failEvery(deps.sqs, "ChangeMessageVisibilityBatchCommand", sqsDown);
    const { ev, res } = await handled(t);
    expect(res.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([ev.Records[0]!.messageId]);
    expect((await deliveryOf(deps, t))?.status).toBe("retrying");
  });

  it("unprocessed BatchWriteItem entries (throttling) are retried until the attempt log is written", async () => {
    const org = uniqueOrg();
    const { t, ev } = await received(org);
    let partial = 0;
    faults.push(
      interpose(deps.db.doc, ({ command: cmd, input }) => {
        if (cmd !== "BatchWriteItemCommand" || partial >= 2) return undefined;
        partial++;
        // DynamoDB accepts nothing and hands every item back, twice.
        return Promise.resolve({
          UnprocessedItems: (input as unknown as BatchWriteCommandInput).RequestItems,
          $metadata: {},
        });
      }),
    );
    const res = await createDeliveryHandler(deps)(ev);
    expect(res.batchItemFailures).toEqual([]);
    expect(partial).toBe(2);
    expect((await deliveryOf(deps, t))?.status).toBe("succeeded");
    expect(
      (await attemptsOfMessage(deps.db, org, t.msg_id, { limit: 10 }, [t.endpoint_id])).attempts,
    ).toHaveLength(1);
  });

  it("when the attempt log cannot be written at all, the delivery is still not repeated (documented trade-off)", async () => {
    const org = uniqueOrg();
    const { t, ev } = await received(org);
    failEvery(deps.db.doc, "BatchWriteItemCommand", throttled);
    const res = await createDeliveryHandler(deps)(ev);
    expect(receiver.requests.filter((r) => r.body === t.body)).toHaveLength(1);
    expect(res.batchItemFailures).toEqual([]);
  });

  it("a log entry DynamoDB keeps throttling is kept on the queue and written later, with no request (recovery never re-sends it)", async () => {
    const org = uniqueOrg();
    const { t, ev } = await received(org);
    failEvery(deps.db.doc, "BatchWriteItemCommand", throttled);
    expect((await createDeliveryHandler(deps)(ev)).batchItemFailures).toEqual([]);
    expect(receiver.requests.filter((r) => r.body === t.body)).toHaveLength(1);
    // Not dropped: a message of its own carries the entry (the task's ids, no body).
    const [kept] = await receiveWhere(deps.sqs, stack.config.queues.delivery, (m) =>
      (m.Body ?? "").includes(t.msg_id),
    );
    const body = JSON.parse(kept!.Body!);
    expect(body).toMatchObject({
      msg_id: t.msg_id,
      endpoint_id: t.endpoint_id,
      log: { delivery: { status: "succeeded" } },
    });
    expect(body.body).toBeUndefined();
    const keptEvent = sqsEvent([{ id: kept!.MessageId!, body: kept!.Body! }], 2);

    // Still throttled: the message stays on the queue.
    const still = await createDeliveryHandler(deps)(keptEvent);
    expect(still.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([kept!.MessageId]);

    // DynamoDB answers again: the entry is written, and nothing is sent again.
    for (const f of faults.splice(0)) f.restore();
    expect((await createDeliveryHandler(deps)(keptEvent)).batchItemFailures).toEqual([]);
    expect((await deliveryOf(deps, t))?.status).toBe("succeeded");
    const attempts = await attemptsOfMessage(deps.db, org, t.msg_id, { limit: 10 }, [t.endpoint_id]);
    expect(attempts.attempts).toHaveLength(1);
    expect(receiver.requests.filter((r) => r.body === t.body)).toHaveLength(1);
  });

  it("a throttled BatchWriteItem call is retried with backoff, not given up at once", async () => {
    const org = uniqueOrg();
    const { t, ev } = await received(org);
    let refused = 0;
    faults.push(
      interpose(deps.db.doc, ({ command: cmd }) => {
        if (cmd !== "BatchWriteItemCommand" || refused >= 3) return undefined;
        refused++;
        return Promise.reject(throttled());
      }),
    );
    expect((await createDeliveryHandler(deps)(ev)).batchItemFailures).toEqual([]);
    expect(refused).toBe(3);
    expect((await deliveryOf(deps, t))?.status).toBe("succeeded");
    // Written by the retries: nothing had to be kept on the queue.
    const left = await receiveAll(deps.sqs, stack.config.queues.delivery);
    expect(left.filter((m) => (m.Body ?? "").includes(t.msg_id))).toEqual([]);
  });
});
