/** Redriving the delivery DLQ: tasks go back with a fresh retry cycle; invalid ones stay. */
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { redriveDeliveryDlq } from "../../core/queue/redrive.js";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { waitFor } from "../support/wait.js";
import { enqueue, type Harness, putEndpoint, startHarness, taskFor, waitForDelivery } from "./harness.js";

let h: Harness;
let r: Receiver;
let healthy = false;
beforeAll(async () => {
  h = await startHarness();
  r = await startReceiver({ plan: () => (healthy ? { status: 200 } : { status: 500 }) });
});
afterAll(async () => {
  await h.stop();
  await r.close();
});

it("moves dead-lettered tasks back with a fresh retry cycle, leaving invalid and filtered ones", async () => {
  const ep = await putEndpoint(h.deps, { url: r.url, max_retries: 0 });
  const tasks = [taskFor(ep), taskFor(ep)];
  await enqueue(h.deps, ...tasks);
  for (const t of tasks) await waitForDelivery(h.deps, t, "failed");
  await h.deps.sqs.send(
    new SendMessageCommand({ QueueUrl: h.deps.config.queues.deliveryDlq, MessageBody: "not a task" }),
  );
  const opts = {
    dlqUrl: h.deps.config.queues.deliveryDlq,
    queueUrl: h.deps.config.queues.delivery,
    holdSeconds: 1,
  };

  const filtered = await redriveDeliveryDlq(h.deps.sqs, { ...opts, orgId: "org_someone_else" });
  expect(filtered).toEqual({ moved: 0, left: 3 });

  healthy = true;
  let moved = 0;
  await waitFor(async () => {
    moved += (await redriveDeliveryDlq(h.deps.sqs, { ...opts, endpointId: ep.id })).moved;
    return moved >= 2;
  });
  expect(moved).toBe(2);
  for (const t of tasks) {
    const d = await waitForDelivery(h.deps, t, "succeeded");
    expect(d.attempts).toBe(1); // fresh cycle: attempt numbering restarts
  }
  // The invalid message is still there.
  const rest = await waitFor(async () => {
    const res = await redriveDeliveryDlq(h.deps.sqs, { ...opts, dryRun: true });
    return res.left > 0 && res;
  });
  expect(rest).toEqual({ moved: 0, left: 1 });
});
