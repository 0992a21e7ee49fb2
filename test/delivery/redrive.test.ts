/** Redriving the delivery DLQ: tasks go back with a fresh retry cycle; invalid ones stay, visible. */
import { randomBytes } from "node:crypto";
import { CreateQueueCommand, SendMessageBatchCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { withPending } from "../../core/delivery/pending.js";
import { queueCounts } from "../../local/queues.js";
import { redriveDeliveryDlq } from "../../packages/client/src/sqs/redrive.js";
import { deliveryOf, enqueue, taskFor, waitForDelivery } from "../support/deliveries.js";
import { type Harness, startHarness } from "../support/delivery.js";
import { putEndpoint } from "../support/endpoints.js";
import { waitForEmptyQueue } from "../support/queues.js";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { waitFor } from "../support/wait.js";

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

it("moves dead-lettered tasks back with a fresh retry cycle; a dry run or a filtered run hides nothing", async () => {
  const ep = await putEndpoint(h.deps, { url: r.url, max_retries: 0 });
  const tasks = [taskFor(ep), taskFor(ep)];
  await enqueue(h.deps, ...tasks);
  for (const t of tasks) await waitForDelivery(h.deps, t, "failed");
  const dlqUrl = h.deps.config.queues.deliveryDlq;
  await waitFor(async () => (await queueCounts(h.deps.sqs, dlqUrl)).visible === 2, {
    what: "2 tasks in the DLQ",
  });
  await h.deps.sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: "not a task" }));
  const opts = { dlqUrl, queueUrl: h.deps.config.queues.delivery };
  const allVisible = { visible: 3, inFlight: 0, delayed: 0 };
  expect(await queueCounts(h.deps.sqs, dlqUrl)).toEqual(allVisible);

  // Neither a dry run nor a run that moves nothing leaves a message invisible.
  expect(await redriveDeliveryDlq(h.deps.sqs, { ...opts, dryRun: true })).toEqual({
    moved: 2,
    left: 3,
    hidden: 0,
  });
  expect(await queueCounts(h.deps.sqs, dlqUrl)).toEqual(allVisible);
  const filtered = await redriveDeliveryDlq(h.deps.sqs, { ...opts, orgId: "org_someone_else" });
  expect(filtered).toEqual({ moved: 0, left: 3, hidden: 0 });
  expect(await queueCounts(h.deps.sqs, dlqUrl)).toEqual(allVisible);
  expect(await redriveDeliveryDlq(h.deps.sqs, { ...opts, dryRun: true, max: 1 })).toMatchObject({ moved: 1 });

  // So a real run right after moves both tasks at once.
  healthy = true;
  const real = await redriveDeliveryDlq(h.deps.sqs, { ...opts, endpointId: ep.id });
  expect(real).toEqual({ moved: 2, left: 1, hidden: 0 });
  for (const t of tasks) {
    const d = await waitForDelivery(h.deps, t, "succeeded");
    expect(d.attempts).toBe(1); // fresh cycle: attempt numbering restarts
  }
  // The invalid message is still there, visible.
  expect(await queueCounts(h.deps.sqs, dlqUrl)).toEqual({ visible: 1, inFlight: 0, delayed: 0 });
  expect(await redriveDeliveryDlq(h.deps.sqs, { ...opts, dryRun: true })).toEqual({
    moved: 0,
    left: 1,
    hidden: 0,
  });
});

it("a recovered task dead-lettered again is sent by the redrive: the recover's pending entry is dropped", async () => {
  let up = false;
  const rr = await startReceiver({ plan: () => (up ? { status: 200 } : { status: 500 }) });
  try {
    const ep = await putEndpoint(h.deps, { url: rr.url, max_retries: 0 });
    // As a recover enqueues it (core/delivery/pending.ts): the task carries its `pending` entry's id.
    const { task, pending } = withPending(h.deps, taskFor(ep));
    await enqueue(h.deps, task);
    await h.deps.deliveryStore.write([pending]);
    await waitForDelivery(h.deps, task, "failed");
    const opts = { dlqUrl: h.deps.config.queues.deliveryDlq, queueUrl: h.deps.config.queues.delivery };
    const mine = { ...opts, endpointId: ep.id };
    await waitFor(async () => (await redriveDeliveryDlq(h.deps.sqs, { ...mine, dryRun: true })).moved === 1, {
      what: "the task in the DLQ",
    });
    // Kept, the id would make the task a copy of that recover (its failure is a newer entry
    // with more attempts: policy/delivered.ts) and it would be acknowledged without a request.
    up = true;
    expect((await redriveDeliveryDlq(h.deps.sqs, mine)).moved).toBe(1);
    await waitForEmptyQueue(h.deps.sqs, opts.queueUrl);
    expect(await deliveryOf(h.deps, task)).toMatchObject({ status: "succeeded", attempts: 1 });
    expect(rr.requests).toHaveLength(2);
  } finally {
    await rr.close();
  }
});

it("moves each dead letter once: a task dead-lettered again while the run goes on stays for the next run", async () => {
  // The worst case, deterministically: the queue redriven into is the DLQ itself, so every
  // moved task is back in the DLQ at once, as a task that fails again straight away would be.
  const name = `redrive-loop-${randomBytes(4).toString("hex")}`;
  const dlqUrl = (await h.deps.sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
  const ep = { org_id: "org_loop", id: "ep_loop" };
  await h.deps.sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: dlqUrl,
      Entries: [1, 2, 3].map((i) => ({ Id: String(i), MessageBody: JSON.stringify(taskFor(ep)) })),
    }),
  );
  const run = await redriveDeliveryDlq(h.deps.sqs, { dlqUrl, queueUrl: dlqUrl, max: 30 });
  expect(run).toEqual({ moved: 3, left: 3, hidden: 0 });
  // The three that came back are visible for the next run.
  expect(await queueCounts(h.deps.sqs, dlqUrl)).toEqual({ visible: 3, inFlight: 0, delayed: 0 });
});
