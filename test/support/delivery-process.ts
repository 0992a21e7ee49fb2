/**
 * One delivery-function invocation in a process of its own, so that a test can SIGKILL it
 * mid-batch (test/delivery/killed-batch.test.ts). The stack's environment comes as JSON in
 * HOOKRELAY_STACK_ENV; the process receives HOOKRELAY_BATCH tasks from the queue of the lane
 * HOOKRELAY_LANE (fast or slow) into one batch, held for HOOKRELAY_VISIBILITY seconds (the
 * queue's visibility timeout), prints `invoking`, and invokes that lane's delivery handler as
 * the event source does (local/event-source.ts invokeBatch: the handler, then the deletes).
 * Run with `node --import tsx`.
 */
import { type Message, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { createDeps } from "../../core/compose.js";
import { loadConfig } from "../../core/config/runtime.js";
import { createDeliveryHandler } from "../../core/delivery/handler.js";
import { invokeBatch } from "../../local/event-source.js";
import { waitFor } from "../../local/wait.js";

const env = JSON.parse(process.env.HOOKRELAY_STACK_ENV ?? "{}") as Record<string, string>;
const batch = Number(process.env.HOOKRELAY_BATCH ?? 1);
const lane = process.env.HOOKRELAY_LANE === "slow" ? "slow" : "fast";
const deps = createDeps(loadConfig(env));
const queueUrl = lane === "slow" ? deps.config.queues.deliverySlow : deps.config.queues.delivery;

const messages = new Map<string, Message>();
await waitFor(
  async () => {
    const res = await deps.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: Number(process.env.HOOKRELAY_VISIBILITY ?? 30),
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    for (const m of res.Messages ?? []) messages.set(m.MessageId!, m);
    return messages.size >= batch;
  },
  { what: `${batch} task(s) on the ${lane} lane's queue`, intervalMs: 0, timeoutMs: 60_000 },
);
process.stdout.write("invoking\n");
await invokeBatch(
  {
    sqs: deps.sqs,
    queueUrl,
    queueArn: (lane === "slow" ? env.DELIVERY_SLOW_QUEUE_ARN : env.DELIVERY_QUEUE_ARN) ?? "",
    handler: createDeliveryHandler(deps, { lane }),
    batchSize: 10,
    concurrency: 1,
    waitTimeSeconds: 0,
  },
  [...messages.values()],
);
process.stdout.write("done\n");
