/**
 * Delivery records converge after a crash, and recovery reaches the ones left stuck (issue
 * #12 item 5). A crash after the POST and before the record: the redelivered message sends
 * again and the record ends `succeeded`. A record whose message is gone (its write lost, a
 * queue lost), or a target whose task never went out: `recover` finds them once they are
 * overdue by STUCK_GRACE_MS, re-enqueues them and counts them.
 */
import type { SQSRecord } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../core/all-deps.js";
import { createDeps } from "../../core/compose.js";
import { createDeliveryHandler } from "../../core/delivery/handler.js";
import { deliveryEntry } from "../../core/delivery/records.js";
import { recoverEndpoint } from "../../core/delivery/recovery.js";
import { ingestEvent } from "../../core/events/ingest.js";
import { STUCK_GRACE_MS } from "../../core/model/limits.js";
import type { DeliveryTask } from "../../core/model/task.js";
import { putEndpoint } from "../support/endpoints.js";
import { failCalls } from "../support/faults.js";
import { type QueueCollector, taskCollector } from "../support/queues.js";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { sqsEvent } from "../support/sqs-event.js";
import { createTestStack, type TestStack, uniqueOrg } from "../support/stack.js";

let stack: TestStack;
let tasks: QueueCollector<DeliveryTask>;
let receiver: Receiver;
let clock: Date;
let deps: Deps;
beforeAll(async () => {
  stack = await createTestStack({ ENDPOINT_CACHE_SECONDS: "0" });
  tasks = taskCollector(stack);
  receiver = await startReceiver();
  clock = new Date();
  deps = createDeps(stack.config, { now: () => clock });
});
afterAll(async () => {
  await receiver.close();
});

/** The delivery's record as a crash left it: `retrying` after a failed first attempt. */
async function leftRetrying(task: DeliveryTask, nextAttemptAt: Date) {
  const entry = deliveryEntry(deps, task, {
    status: "retrying",
    attempts: 1,
    lastStatusCode: 500,
    lastError: "HTTP 500",
    nextAttemptAt,
  });
  await deps.deliveryStore.write([entry]);
}

/** A delivery-queue record of `task`, received for the `receiveCount`-th time. */
function received(task: DeliveryTask, receiveCount: number): SQSRecord {
  const [record] = sqsEvent([{ id: `task-${task.msg_id}`, body: task }]).Records;
  return { ...record!, attributes: { ...record!.attributes, ApproximateReceiveCount: String(receiveCount) } };
}

describe("after a crash", () => {
  it("a handler that died after the POST and before the record: the redelivery converges it to succeeded", async () => {
    const org = uniqueOrg();
    await putEndpoint(deps, { org_id: org, url: `${receiver.url}/converge` });
    await ingestEvent(deps, { org_id: org, type: "web.complete", data: { n: 1 } });
    const [task] = await tasks.expect(org, 1);
    await leftRetrying(task!, new Date(clock.getTime() + 5_000));

    // The second attempt's POST is answered 2xx, then the process dies before the record.
    const dying = createDeps(stack.config, { now: () => clock });
    let die: (err: Error) => void = () => {};
    const died = new Promise<never>((_, reject) => {
      die = reject;
    });
    died.catch(() => undefined);
    let writing: () => void = () => {};
    const reachedWrite = new Promise<void>((resolve) => {
      writing = resolve;
    });
    failCalls(dying.db.doc, "BatchWriteItemCommand", () => true);
    const realSend = dying.db.doc.send.bind(dying.db.doc);
    dying.db.doc.send = ((cmd: { constructor: { name: string } }) => {
      if (cmd.constructor.name !== "BatchWriteCommand") return realSend(cmd as never);
      writing();
      return died;
    }) as never;
    const first = createDeliveryHandler(dying)({ Records: [received(task!, 2)] });
    await receiver.waitForRequests(1);
    await reachedWrite;
    die(new Error("process killed"));
    await first.catch(() => undefined);
    expect((await deps.deliveryStore.get(org, task!.msg_id, task!.endpoint_id))?.status).toBe("retrying");

    // SQS offers the message again: sent again (same webhook-id), recorded.
    const again = await createDeliveryHandler(deps)({ Records: [received(task!, 3)] });
    expect(again.batchItemFailures).toEqual([]);
    const requests = receiver.requests.filter((r) => r.path.endsWith("/converge"));
    expect(requests).toHaveLength(2);
    expect(new Set(requests.map((r) => r.headers["webhook-id"])).size).toBe(1);
    expect(await deps.deliveryStore.get(org, task!.msg_id, task!.endpoint_id)).toMatchObject({
      status: "succeeded",
    });
  });

  it("recover re-enqueues deliveries stuck past the grace, counts them, and leaves the others", async () => {
    const org = uniqueOrg();
    const ep = await putEndpoint(deps, { org_id: org });
    const t0 = clock;
    const publish = async (d: Deps, n: number) =>
      (await ingestEvent(d, { org_id: org, id: `stuck-${n}`, type: "web.complete", data: { n } })).id;
    const retrying = await publish(deps, 1); // its record says retrying; its message is gone
    const unrecorded = await publish(deps, 2); // its task was lost before any attempt
    const succeeded = await publish(deps, 3);
    const onItsWay = await publish(deps, 4); // retrying, due in two hours
    const byId = new Map((await tasks.expect(org, 4)).map((t) => [t.msg_id, t]));
    await leftRetrying(byId.get(retrying)!, new Date(t0.getTime() + 5_000));
    await leftRetrying(byId.get(onItsWay)!, new Date(t0.getTime() + 2 * 3_600_000));
    await deps.deliveryStore.write([
      deliveryEntry(deps, byId.get(succeeded)!, {
        status: "succeeded",
        attempts: 1,
        lastStatusCode: 200,
        lastError: null,
        nextAttemptAt: null,
      }),
    ]);
    // A request that died between storing its event and enqueuing, never retried.
    const crashed = createDeps(stack.config, { now: () => clock });
    failCalls(crashed.sqs, "SendMessageBatchCommand", () => true);
    failCalls(crashed.db.doc, "UpdateItemCommand", () => true);
    await expect(publish(crashed, 5)).rejects.toThrow();
    expect(await tasks.settled(org)).toHaveLength(4);

    const since = new Date(t0.getTime() - 60_000).toISOString();
    // Within the grace nothing is stuck yet.
    expect(await recoverEndpoint(deps, org, ep.id, since)).toEqual({ count: 0, expired: 0, more: false });
    clock = new Date(t0.getTime() + STUCK_GRACE_MS + 60_000);
    expect(await recoverEndpoint(deps, org, ep.id, since)).toEqual({ count: 3, expired: 0, more: false });
    const recovered = (await tasks.expect(org, 7)).slice(4);
    expect(recovered.every((t) => t.trigger === "recover")).toBe(true);
    const ids = new Set(recovered.map((t) => t.msg_id));
    expect(ids.has(retrying) && ids.has(unrecorded)).toBe(true);
    expect(recovered.map((t) => t.msg_id)).not.toContain(succeeded);
    expect(ids.has(succeeded) || ids.has(onItsWay)).toBe(false);
    // Now pending, just re-enqueued: a second call does not send them twice.
    expect(await recoverEndpoint(deps, org, ep.id, since)).toMatchObject({ count: 0 });
    expect(await tasks.settled(org)).toHaveLength(7);
  });
});
