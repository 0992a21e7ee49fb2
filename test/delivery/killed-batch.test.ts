/**
 * A delivery process SIGKILLed mid-batch (issue #23 item 6). Its batch, in the slow lane
 * (where a request may take the endpoint's whole timeout), held two tasks: one whose receiver
 * answered 200 at once, one whose receiver had not answered yet. The success is written to the
 * delivery log within the fast lane's budget, before the batch ends
 * (core/delivery/log-writes.ts earlyWrites), so when both tasks come back after their
 * visibility timeout the delivered one is acknowledged from the log without a second POST and
 * its record says succeeded; the other, with nothing in the log, is sent again. Real parts: a
 * child process killed with SIGKILL, DynamoDB Local, the SQS emulator, the event source's
 * receives and deletes, a receiver on 127.0.0.1 counting requests.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeliveryHandler } from "../../core/delivery/handler.js";
import { ingestEvent } from "../../core/events/ingest.js";
import { type EventSource, startEventSource } from "../../local/event-source.js";
import { putEndpointRecord } from "../support/endpoints.js";
import { queueCounts, waitForEmptyQueue } from "../support/queues.js";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { createTestStack, type TestStack, uniqueOrg } from "../support/stack.js";
import { waitFor } from "../support/wait.js";

let stack: TestStack;
let receiver: Receiver;
let child: ChildProcess | undefined;
const sources: EventSource[] = [];
/** Until set, requests to /slow are read and never answered (in flight when the process dies). */
let answerSlow = false;
beforeAll(async () => {
  // The fast lane's budget at its default: how long a success may wait for its batch.
  stack = await createTestStack({ ENDPOINT_CACHE_SECONDS: "0", FAST_LANE_BUDGET_MS: "2000" });
  receiver = await startReceiver({
    plan: (req) => (req.path === "/slow" && !answerSlow ? { hang: true } : { status: 200, body: "{}" }),
  });
});
afterAll(async () => {
  child?.kill("SIGKILL");
  await Promise.all(sources.map((s) => s.stop()));
  await receiver?.close();
});

/** The delivery function of one lane, polling its queue in this process. */
function poll(lane: "fast" | "slow"): EventSource {
  const source = startEventSource({
    sqs: stack.deps.sqs,
    queueUrl: lane === "slow" ? stack.config.queues.deliverySlow : stack.config.queues.delivery,
    queueArn: (lane === "slow" ? stack.env.DELIVERY_SLOW_QUEUE_ARN : stack.env.DELIVERY_QUEUE_ARN) ?? "",
    handler: createDeliveryHandler(stack.deps, { lane }),
    batchSize: 10,
    concurrency: 1,
    waitTimeSeconds: 1,
  });
  sources.push(source);
  return source;
}

/** The slow lane's delivery function in a process of its own: one batch of `batch` tasks. */
function slowLaneProcess(batch: number): { child: ChildProcess; exited: Promise<NodeJS.Signals | null> } {
  const proc = spawn(process.execPath, ["--import", "tsx", "test/support/delivery-process.ts"], {
    env: {
      ...process.env,
      HOOKRELAY_STACK_ENV: JSON.stringify(stack.env),
      HOOKRELAY_LANE: "slow",
      HOOKRELAY_BATCH: String(batch),
      // Back on the queue 2 s after the receive (on AWS: the queue's visibility timeout).
      HOOKRELAY_VISIBILITY: "2",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  return { child: proc, exited: new Promise((r) => proc.once("exit", (_code, signal) => r(signal))) };
}

describe("a delivery process killed mid-batch", () => {
  it("its delivered task comes back and is acknowledged from the log: one POST, the record succeeded", {
    timeout: 180_000,
  }, async () => {
    const org = uniqueOrg();
    const base = `http://127.0.0.1:${receiver.port}`;
    // Both endpoints in the slow lane; the hanging one waits up to its whole (2 min) timeout.
    const slowUntil = new Date(Date.now() + 3_600_000).toISOString();
    const fields = { org_id: org, max_retries: 5, timeout_ms: 120_000, slow_until: slowUntil };
    const fast = await putEndpointRecord(stack.deps, { ...fields, url: `${base}/fast` });
    const slow = await putEndpointRecord(stack.deps, { ...fields, url: `${base}/slow` });
    const { id } = await ingestEvent(stack.deps, { org_id: org, type: "web.complete", data: { n: 1 } });
    const at = (path: string) => receiver.requests.filter((r) => r.path === path);
    const record = (endpointId: string) => stack.deps.deliveryStore.get(org, id, endpointId);

    // The shared lane moves both tasks to the slow lane's queue.
    const shared = poll("fast");
    await waitFor(
      async () => (await queueCounts(stack.deps.sqs, stack.config.queues.deliverySlow)).visible >= 2,
      {
        what: "both tasks on the slow lane's queue",
        timeoutMs: 60_000,
      },
    );
    await shared.stop();

    const run = slowLaneProcess(2);
    child = run.child;
    await waitFor(() => at("/fast").length === 1 && at("/slow").length === 1, {
      what: "both tasks of the batch at the receiver",
      timeoutMs: 60_000,
    });
    // /slow has not answered, so the batch has not ended; the success is in the log already.
    await waitFor(async () => (await record(fast.id))?.status === "succeeded", {
      what: "the delivered task's success in the log while its batch is still in flight",
      timeoutMs: 60_000,
    });
    expect(await record(slow.id)).toBeUndefined();
    child.kill("SIGKILL");
    expect(await run.exited).toBe("SIGKILL");
    child = undefined;

    // Both tasks come back after their visibility timeout, to the slow lane's function.
    answerSlow = true;
    const again = poll("slow");
    await waitFor(async () => (await record(slow.id))?.status === "succeeded", {
      what: "the unanswered task delivered on its return",
      timeoutMs: 60_000,
    });
    await waitForEmptyQueue(stack.deps.sqs, stack.config.queues.deliverySlow);
    await again.stop();

    expect(at("/fast")).toHaveLength(1);
    expect(await record(fast.id)).toMatchObject({ status: "succeeded", attempts: 1, last_status_code: 200 });
    // Nothing in the log said the other one was answered: sent again, with the same webhook-id.
    expect(at("/slow")).toHaveLength(2);
    expect(new Set(at("/slow").map((r) => r.headers["webhook-id"]))).toEqual(new Set([id]));
  });
});
