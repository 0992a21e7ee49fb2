/**
 * A publish that died after storing its event and before enqueuing its tasks, never retried
 * by its producer (issue #23 item 6): the API never calls its fan-out complete.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createDeps } from "../../core/compose.js";
import { ingestEvent } from "../../core/events/ingest.js";
import type { DeliveryTask } from "../../core/model/task.js";
import { createTestOrg } from "../support/api.js";
import { failCalls } from "../support/faults.js";
import { type QueueCollector, taskCollector } from "../support/queues.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
let tasks: QueueCollector<DeliveryTask>;

beforeAll(async () => {
  stack = await createTestStack();
  tasks = taskCollector(stack);
});

describe("a publish that crashed between the store write and the enqueue", () => {
  it("is reported in progress with its delivery pending, never complete", async () => {
    const org = await createTestOrg(stack);
    const ep = await org.request("POST", "/v1/webhook-endpoints", { url: "http://127.0.0.1:9/hook" });
    expect(ep.status).toBe(201);
    // The process dies after the PutItem: no task goes out and its send lease is never given up.
    const crashed = createDeps(stack.config);
    failCalls(crashed.sqs, "SendMessageBatchCommand", () => true);
    failCalls(crashed.db.doc, "UpdateItemCommand", () => true);
    await expect(
      ingestEvent(crashed, { org_id: org.orgId, type: "web.complete", data: { n: 1 } }),
    ).rejects.toThrow();
    expect(await tasks.settled(org.orgId)).toHaveLength(0);

    const list = await org.request("GET", "/v1/events?status=pending");
    expect(list.status).toBe(200);
    const [listed] = list.body.data as { id: string; fanout: string }[];
    expect(listed?.fanout).toBe("in_progress");
    const one = await org.request("GET", `/v1/events/${listed!.id}`);
    expect(one.body).toMatchObject({
      fanout: "in_progress",
      deliveries: [{ endpoint_id: ep.body.id, status: "pending" }],
    });
  });
});
