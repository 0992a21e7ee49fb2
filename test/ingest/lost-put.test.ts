/**
 * A message's first write applied whose answer was lost (a timeout, a 5xx after the write): the
 * SDK retries the PutItem, and the retry is refused on the message the first attempt stored.
 * That refusal is this call's own write, not another copy's: the publisher is answered
 * `duplicate: false` and the tasks go out now, not after the send lease's check (35 s later).
 * A redelivered SQS record still finds the message another copy's: stored once, sent once.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createIngestHandler } from "../../core/events/ingest-handler.js";
import type { DeliveryTask } from "../../core/model/task.js";
import { createTestOrg } from "../support/api.js";
import { putEndpoint } from "../support/endpoints.js";
import { answerLost, type Call } from "../support/faults.js";
import { leaseChecks } from "../support/ingest.js";
import { type QueueCollector, taskCollector } from "../support/queues.js";
import { sqsEvent } from "../support/sqs-event.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
let tasks: QueueCollector<DeliveryTask>;
beforeAll(async () => {
  stack = await createTestStack();
  tasks = taskCollector(stack);
});

const itemPk = ({ input }: Call) => String((input.Item as { pk?: unknown } | undefined)?.pk);
const isMessagePut = (call: Call) => call.command === "PutItemCommand" && itemPk(call).startsWith("MSG#");
const isKeyPut = (call: Call) => call.command === "PutItemCommand" && itemPk(call).startsWith("IDEM#");

/** POST /v1/events with the first write matching `lost` answered by its retry (refused). */
async function publishLosing(lost: (call: Call) => boolean, event: Record<string, unknown>) {
  const org = await createTestOrg(stack);
  await putEndpoint(stack.deps, { org_id: org.orgId });
  const retried = answerLost(stack.deps.db.doc, lost);
  const res = await org.request("POST", "/v1/events", { type: "web.complete", data: { n: 1 }, ...event });
  retried.restore();
  expect(retried.count()).toBe(1);
  return { org, res };
}

describe("a published message whose first write's answer was lost", () => {
  it.each([
    ["without a producer id", {}],
    ["with a producer id", { id: "order-11.paid" }],
  ])("%s: is the publish's own, answered duplicate false, its task sent at once", async (_, event) => {
    const { org, res } = await publishLosing(isMessagePut, event);
    // Before: { duplicate: true }, no task, a lease check 35 s later.
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ duplicate: false });
    const [task] = await tasks.expect(org.orgId, 1);
    expect(task).toMatchObject({ msg_id: res.body.id });
    expect(await leaseChecks(stack, res.body.id as string)).toHaveLength(0);
    expect(await tasks.settled(org.orgId)).toHaveLength(1);
  });

  it("with its producer id's key lost the same way: the key is the publish's own, sent once", async () => {
    const { org, res } = await publishLosing(isKeyPut, { id: "order-12.paid" });
    expect(res.body).toMatchObject({ duplicate: false });
    await tasks.expect(org.orgId, 1);
    expect(await tasks.settled(org.orgId)).toHaveLength(1);
  });
});

describe("an SQS record whose message write's answer was lost", () => {
  it("sends its task at once, and the record's redelivery finds the message stored: sent once", async () => {
    const org = await createTestOrg(stack);
    await putEndpoint(stack.deps, { org_id: org.orgId });
    const body = { org_id: org.orgId, type: "web.complete", data: {} };
    const record = { id: `lost-put-${org.orgId}`, body, sentAt: Date.now() };
    const handler = createIngestHandler(stack.deps);

    const retried = answerLost(stack.deps.db.doc, isMessagePut);
    const first = await handler(sqsEvent([record]));
    retried.restore();
    expect(retried.count()).toBe(1);
    expect(first.batchItemFailures).toEqual([]);
    // Before: read as a redelivery, no task until the lease check 35 s later.
    const [task] = await tasks.expect(org.orgId, 1);
    expect(await leaseChecks(stack, task!.msg_id)).toHaveLength(0);

    const again = await handler(sqsEvent([record], 2));
    expect(again.batchItemFailures).toEqual([]);
    expect(await tasks.settled(org.orgId)).toHaveLength(1);
    const listed = await org.request("GET", "/v1/events");
    expect((listed.body.data as { id: string }[]).map((m) => m.id)).toEqual([task!.msg_id]);
  });
});
