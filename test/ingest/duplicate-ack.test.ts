/**
 * A duplicate acknowledgement means the event will be delivered (issue #12 item 4): a
 * `POST /v1/events` that dies after storing the event and before enqueuing its tasks leaves
 * the send lease held; the producer's retry is acknowledged as a duplicate, and a fan-out
 * check scheduled for when the lease lapses sends the tasks, with no further retry needed.
 *
 * The crash is injected in the enqueue adapter (and the lease release after it), the one
 * place the emulators cannot fail on demand.
 */
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../core/all-deps.js";
import { createDeps } from "../../core/compose.js";
import { LEASE_MS } from "../../core/events/fanout.js";
import { ingestEvent } from "../../core/events/ingest.js";
import { createIngestHandler } from "../../core/events/ingest-handler.js";
import type { DeliveryTask } from "../../core/model/task.js";
import { keys } from "../../core/store/keys.js";
import { getMessage } from "../../core/store/messages.js";
import { createTestOrg } from "../support/api.js";
import { putEndpoint } from "../support/endpoints.js";
import { answerLost, failCalls } from "../support/faults.js";
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

/** Deps whose process "dies" once the event is stored: no task goes out, the lease is never given up. */
function crashingAfterStore(now: () => Date): Deps {
  const deps = createDeps(stack.config, { now });
  failCalls(deps.sqs, "SendMessageBatchCommand", () => true);
  failCalls(deps.db.doc, "UpdateItemCommand", () => true);
  return deps;
}

describe("a duplicate of an event whose first request died before enqueuing", () => {
  it("is acknowledged, and the event is delivered when its lease lapses without another retry", async () => {
    const org = await createTestOrg(stack);
    await putEndpoint(stack.deps, { org_id: org.orgId });
    const event = { id: "order-9.paid", type: "web.complete", data: { n: 1 } };

    const crashed = crashingAfterStore(() => new Date());
    await expect(ingestEvent(crashed, { ...event, org_id: org.orgId })).rejects.toThrow();
    const idem = await stack.deps.db.doc.send(
      new GetCommand({ TableName: stack.deps.db.table, Key: keys.idempotency(org.orgId, event.id) }),
    );
    const msgId = idem.Item!.msg_id as string;
    expect(await getMessage(stack.deps.db, org.orgId, msgId)).toBeDefined();
    expect(await tasks.settled(org.orgId)).toHaveLength(0);

    // The producer retries within the lease: a duplicate, acknowledged.
    const retry = await org.request("POST", "/v1/events", event);
    expect(retry.status).toBe(202);
    expect(retry.body).toMatchObject({ id: msgId, duplicate: true });
    expect(await tasks.settled(org.orgId)).toHaveLength(0);

    // The acknowledgement is backed by a fan-out check due after the lease.
    const [check] = await leaseChecks(stack, msgId);
    expect(check).toMatchObject({ target: "ingest" });
    const due = Date.parse(check!.due_at);
    expect(due).toBeGreaterThan(Date.now() + LEASE_MS - 60_000);

    // When it fires (the local scheduler sends its body to the ingest queue), the tasks go out.
    const later = createDeps(stack.config, { now: () => new Date(due) });
    const handled = await createIngestHandler(later)(
      sqsEvent([{ id: `check-${msgId}`, body: JSON.parse(check!.body) }]),
    );
    expect(handled.batchItemFailures).toEqual([]);
    const [task] = await tasks.expect(org.orgId, 1);
    expect(task).toMatchObject({ msg_id: msgId });
    expect(await tasks.settled(org.orgId)).toHaveLength(1);
  });
});

// A lease applied whose answer was lost (a timeout, a 5xx after the write): the SDK retries it,
// and the retry is refused on the lease the first took.
describe("a send lease taken whose answer was lost", () => {
  it("is the taker's own: the fan-out check that took it sends the tasks, and schedules no further check", async () => {
    const org = await createTestOrg(stack);
    await putEndpoint(stack.deps, { org_id: org.orgId });
    const event = { id: "order-10.paid", type: "web.complete", data: { n: 1 } };
    await expect(
      ingestEvent(
        crashingAfterStore(() => new Date()),
        { ...event, org_id: org.orgId },
      ),
    ).rejects.toThrow();
    const retry = await org.request("POST", "/v1/events", event);
    const msgId = retry.body.id as string;
    const [check] = await leaseChecks(stack, msgId);
    const due = Date.parse(check!.due_at);

    const later = createDeps(stack.config, { now: () => new Date(due) });
    const lost = answerLost(
      later.db.doc,
      ({ command, input }) =>
        command === "UpdateItemCommand" &&
        String(input.UpdateExpression).startsWith("SET lease_until = :until"),
    );
    const handled = await createIngestHandler(later)(
      sqsEvent([{ id: `check-${msgId}`, body: JSON.parse(check!.body) }]),
    );
    lost.restore();
    expect(lost.count()).toBe(1);
    expect(handled.batchItemFailures).toEqual([]);
    // Before: refused on its own lease, it scheduled another check for after it and sent nothing.
    const [task] = await tasks.expect(org.orgId, 1);
    expect(task).toMatchObject({ msg_id: msgId });
    expect(await leaseChecks(stack, msgId)).toHaveLength(1);
  });
});
