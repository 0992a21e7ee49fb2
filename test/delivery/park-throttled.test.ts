/**
 * A park DynamoDB refuses is not held in flight (issue #25: dead-endpoint-3d's in-flight peak).
 * The tasks re-sent while a dead endpoint's breaker was young come back together and are
 * parked at once on its few log shards; a refused park write retried with backoff held its
 * batch's messages in flight, against SQS's ~120,000 cap. Now a park is written once
 * (core/delivery/park-writes.ts): refused, its message is acknowledged and its task re-sent
 * delayed (on the queue, not in flight), and parked when it comes back: nothing lost, no
 * request made, one copy on the queue.
 *
 * Real parts: DynamoDB Local, fauxqs, a receiver on 127.0.0.1 (which must see no request);
 * the throttle is injected on the park's BatchWriteItem (test/support/faults.ts).
 */
import { DeleteMessageCommand, type SendMessageBatchCommandInput } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeliveryHandler } from "../../core/delivery/handler.js";
import { BREAKER_PARKED } from "../../core/delivery/policy/closed.js";
import { deliveryEntry } from "../../core/delivery/records.js";
import { deliveryOf, putMessageOf, taskFor } from "../support/deliveries.js";
import { putEndpoint } from "../support/endpoints.js";
import { awsError, interpose } from "../support/faults.js";
import { queueCounts, receiveWhere } from "../support/queues.js";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { sqsEvent } from "../support/sqs-event.js";
import { createTestStack, type TestStack, uniqueOrg } from "../support/stack.js";

let stack: TestStack;
let r: Receiver;
beforeAll(async () => {
  stack = await createTestStack();
  r = await startReceiver();
});
afterAll(() => r.close());

describe("a park write DynamoDB refuses", () => {
  it("acknowledges the message, re-sends the task delayed, and parks it when it comes back", async () => {
    // Open for two hours: beyond SQS's 15 min delay, so the task is parked in the table.
    const until = new Date(Date.now() + 7_200_000).toISOString();
    const ep = await putEndpoint(stack.deps, { org_id: uniqueOrg(), url: r.url, breaker_open_until: until });
    const t = taskFor(ep);
    await putMessageOf(stack.deps, t);
    const handler = createDeliveryHandler(stack.deps, { random: () => 0 });

    let throttling = true;
    let refused = 0;
    const sent: SendMessageBatchCommandInput["Entries"] = [];
    const db = interpose(stack.deps.db.doc, ({ command, input }) => {
      if (command !== "BatchWriteItemCommand" || !JSON.stringify(input).includes(BREAKER_PARKED)) return;
      if (!throttling) return;
      refused++;
      return Promise.reject(awsError("ProvisionedThroughputExceededException"));
    });
    const sqs = interpose(stack.deps.sqs, ({ command, input }) => {
      if (command === "SendMessageBatchCommand")
        sent.push(...((input as unknown as SendMessageBatchCommandInput).Entries ?? []));
    });
    try {
      const first = await handler(sqsEvent([JSON.stringify(t)]));
      // Acknowledged: not held on its message; the write was tried once, not retried with backoff.
      expect(first.batchItemFailures).toEqual([]);
      expect(refused).toBe(1);
      // The task itself re-sent, delayed (not a kept log entry, which would come back at once).
      expect(sent).toHaveLength(1);
      expect(sent[0]!.DelaySeconds).toBeGreaterThanOrEqual(1);
      expect(JSON.parse(sent[0]!.MessageBody!)).toMatchObject({ msg_id: t.msg_id, attempt_base: 0 });
      expect(JSON.parse(sent[0]!.MessageBody!).log).toBeUndefined();
      expect(await deliveryOf(stack.deps, t)).toBeUndefined();

      // DynamoDB takes writes again: the task comes back and is parked.
      throttling = false;
      const url = stack.config.queues.delivery;
      const [back] = await receiveWhere(stack.deps.sqs, url, (m) => m.Body!.includes(t.msg_id));
      const second = await handler(sqsEvent([{ id: back!.MessageId!, body: back!.Body! }]));
      expect(second.batchItemFailures).toEqual([]);
      await stack.deps.sqs.send(
        new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: back!.ReceiptHandle! }),
      );
    } finally {
      db.restore();
      sqs.restore();
    }
    expect(await deliveryOf(stack.deps, t)).toMatchObject({ status: "skipped", last_error: BREAKER_PARKED });
    const parked = await stack.deps.deliveryStore.recoverable(ep.org_id, ep.id, {
      since: new Date(0).toISOString(),
      max: 10,
      indexes: ["parked"],
    });
    expect(parked.deliveries.map((d) => d.msg_id)).toEqual([t.msg_id]);
    // One copy only: nothing else on the queue, and no request was made.
    expect(sent).toHaveLength(1);
    expect(await queueCounts(stack.deps.sqs, stack.config.queues.delivery)).toEqual({
      visible: 0,
      inFlight: 0,
      delayed: 0,
    });
    expect(r.requests).toHaveLength(0);
  }, 60_000);
});

// park-writes.ts and log-writes.ts' early writes take what `writeEach` returns as refused, with
// no catch of their own: a failure of any kind must come back as entries, never as a throw.
describe("writeEach, written once", () => {
  it("never throws: entries a 5xx or a failed read of the shard plans left unwritten are returned", async () => {
    const ep = await putEndpoint(stack.deps, { org_id: uniqueOrg(), url: r.url });
    const entries = [0, 1].map((i) =>
      deliveryEntry(stack.deps, taskFor(ep, { i }), {
        status: "skipped",
        attempts: 0,
        lastStatusCode: null,
        lastError: BREAKER_PARKED,
        nextAttemptAt: null,
      }),
    );
    for (const failing of ["GetItemCommand", "BatchWriteItemCommand"]) {
      const db = interpose(stack.deps.db.doc, ({ command }) =>
        command === failing ? Promise.reject(awsError("InternalError")) : undefined,
      );
      try {
        const left = await stack.deps.deliveryStore.writeEach(entries, { once: true });
        expect(left.map((e) => e.id)).toEqual(entries.map((e) => e.id));
      } finally {
        db.restore();
      }
    }
    // And what is written is not returned.
    expect(await stack.deps.deliveryStore.writeEach(entries, { once: true })).toEqual([]);
  }, 60_000);
});
