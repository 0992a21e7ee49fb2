/**
 * The trial gate on the real delivery path (fauxqs, DynamoDB Local, receivers on 127.0.0.1;
 * docs/delivery.md, "Unproven endpoints"): a burst to a new endpoint that does not answer
 * holds at most `trialInFlight` (2) of the shared lane's batches, so another tenant's burst,
 * interleaved with it in the same batches, is delivered while it hangs. Without the gate every
 * poller's batch holds one of the hanging endpoint's requests and the other tenant's later
 * tasks wait for them (the held-out shape of issue #25). Counts and order only: the hanging
 * endpoint's requests are held until the test releases them, not for a time.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeps } from "../../core/compose.js";
import { createDeliveryHandler } from "../../core/delivery/handler.js";
import { enterTrial } from "../../core/delivery/trial.js";
import type { EndpointRecord } from "../../core/model/endpoint.js";
import type { DeliveryTask } from "../../core/model/task.js";
import { rateLimitStore } from "../../core/store/rate-limit.js";
import { attemptsOf, enqueue, taskFor, waitForDelivery } from "../support/deliveries.js";
import { type DeliveryPollers, startDelivery } from "../support/delivery.js";
import { putEndpoint } from "../support/endpoints.js";
import { answerLost, awsError, interpose } from "../support/faults.js";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { sqsEvent } from "../support/sqs-event.js";
import { type SqsSpy, spySqs } from "../support/sqs-spy.js";
import { createTestStack, type TestStack } from "../support/stack.js";
import { waitFor } from "../support/wait.js";

let stack: TestStack;
let pollers: DeliveryPollers;
let spy: SqsSpy;
const receivers: Receiver[] = [];

beforeAll(async () => {
  // The test stack's budget (60 s) cuts nothing while b's requests are held; 4 pollers, more
  // than the trial's 2 slots, each taking batches of 10.
  stack = await createTestStack({ RETRY_SCHEDULE: "1", ENDPOINT_CACHE_SECONDS: "0" });
  spy = spySqs(stack.deps.sqs);
  pollers = startDelivery(stack, { concurrency: 4 });
});

/** How often each task was sent to the shared lane's queue: 1, or more when it went round it. */
const sends = (tasks: DeliveryTask[]) =>
  tasks.map((t) => spy.groups(t.msg_id, stack.config.queues.delivery).length);

afterAll(async () => {
  await pollers?.stop();
  await Promise.all(receivers.map((r) => r.close()));
});

const ids = (r: Receiver) => r.requests.map((q) => String(q.headers["webhook-id"]));

describe("trial gate", () => {
  it("a new endpoint that does not answer holds at most its trial's requests; another tenant's interleaved burst is delivered meanwhile, once each", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const a = await startReceiver();
    const b = await startReceiver({ fallback: { status: 200, after: held } });
    receivers.push(a, b);
    // Two tenants (putEndpoint: a fresh organization each).
    const epA = await putEndpoint(stack.deps, { url: a.url });
    const epB: EndpointRecord = await putEndpoint(stack.deps, { url: b.url, timeout_ms: 90_000 });
    // b, a, b, a …: 8 batches of 10 for 4 pollers, each batch with 5 of b's tasks.
    const tasksA: DeliveryTask[] = [];
    const tasksB: DeliveryTask[] = [];
    for (let i = 0; i < 40; i++) {
      tasksB.push(taskFor(epB, { i }));
      tasksA.push(taskFor(epA, { i }));
    }
    const order = tasksB.flatMap((t, i) => [t, tasksA[i]!]);
    for (let i = 0; i < order.length; i += 10) await enqueue(stack.deps, ...order.slice(i, i + 10));

    // Received: a task's delivery record is written when its batch ends (or the budget's early
    // write), and two batches are held by b's trial. b's other tasks waited here for its answer
    // only until a quarter of the budget from the trial's start (policy/trial.ts trialWaitMs),
    // then left their batches round the queue, b's requests still held.
    await a.waitForRequests(40, 45_000);
    await waitFor(() => sends(tasksB).filter((n) => n > 1).length >= 40 - b.requests.length, {
      timeoutMs: 45_000,
      what: "b's refused tasks sent round the queue",
    });
    // All of a's 40, each once, while b's first requests were still unanswered: no more of b's
    // reached its receiver than the trial lets through.
    expect(new Set(ids(a)).size).toBe(40);
    expect(a.requests).toHaveLength(40);
    expect(b.requests.length).toBeGreaterThan(0);
    expect(b.requests.length).toBeLessThanOrEqual(stack.config.isolation.trialInFlight);
    expect(b.requests.every((q) => !q.connectionClosed)).toBe(true);

    // Released: b's tasks, deferred meanwhile without a request, are all delivered, once each,
    // and every delivery is recorded.
    release();
    for (const t of [...tasksA, ...tasksB]) await waitForDelivery(stack.deps, t, "succeeded");
    expect(new Set(ids(b)).size).toBe(40);
    expect(b.requests).toHaveLength(40);
  }, 300_000);

  it("a healthy new endpoint's burst: the tasks its trial refused wait here for the answer, none goes round the queue (none waits a deferral's second)", async () => {
    const r = await startReceiver();
    receivers.push(r);
    // A timeout no loaded machine reaches: the 38 waiting tasks' requests go out together.
    const ep = await putEndpoint(stack.deps, { url: r.url, timeout_ms: 30_000 });
    // 4 batches of 10 at once: each batch's tasks reach the gate together, 2 of them take the
    // trial's slots and 38 are refused while the trial is in flight.
    const tasks = Array.from({ length: 40 }, (_, i) => taskFor(ep, { i }));
    for (let i = 0; i < tasks.length; i += 10) await enqueue(stack.deps, ...tasks.slice(i, i + 10));
    for (const t of tasks) expect((await waitForDelivery(stack.deps, t, "succeeded")).attempts).toBe(1);
    // Before, each refused task was re-sent at once, and one back before the answer waited 1 s more.
    expect(sends(tasks)).toEqual(tasks.map(() => 1));
    expect(tasks.flatMap((t) => spy.waits(t.msg_id))).toEqual([]);
    expect(new Set(ids(r)).size).toBe(40);
    expect(r.requests).toHaveLength(40);
  }, 120_000);

  it("a trial slot's lease DynamoDB throttles defers the task as for busy slots: its record is not failed, no request, no attempt burnt", async () => {
    const r = await startReceiver();
    receivers.push(r);
    const ep = await putEndpoint(stack.deps, { url: r.url });
    const task = taskFor(ep);
    // One process of its own (its own clients and memos) whose trial slot leases are throttled,
    // as the SDK throws once its retries are spent; the file's pollers deliver the re-sent task.
    const throttled = createDeps(stack.config);
    const trialLeases = interpose(throttled.db.doc, ({ command, input }) =>
      command === "UpdateItemCommand" && String((input.Key as { pk?: string })?.pk).includes("#trial")
        ? Promise.reject(awsError("ProvisionedThroughputExceededException"))
        : undefined,
    );
    const res = await createDeliveryHandler(throttled)(sqsEvent([{ body: task }]));
    trialLeases.restore();
    expect(res.batchItemFailures).toEqual([]);
    expect(r.requests).toHaveLength(0);
    expect((await waitForDelivery(stack.deps, task, "succeeded")).attempts).toBe(1);
    expect(r.requests).toHaveLength(1);
    expect((await attemptsOf(stack.deps, ep)).map((a) => a.attempt)).toEqual([1]);
  }, 120_000);

  it("a trial slot's lease whose answer was lost is the take's own: released with its request, both slots are free again", async () => {
    const r = await startReceiver();
    receivers.push(r);
    const ep = await putEndpoint(stack.deps, { url: r.url });
    // One process of its own: its first trial lease applied, its answer lost, the SDK's retry refused.
    const deps = createDeps(stack.config);
    const lost = answerLost(
      deps.db.doc,
      ({ command, input }) =>
        command === "UpdateItemCommand" &&
        String((input.Key as { pk?: string })?.pk).includes(`#${ep.id}#trial#`) &&
        String(input.UpdateExpression).startsWith("SET #s = :until"),
    );
    const now = new Date();
    const entered = await enterTrial(deps, ep, ep.timeout_ms, { now, random: () => 0 });
    lost.restore();
    expect(lost.count()).toBe(1);
    if (!("admission" in entered)) throw new Error(`refused: ${JSON.stringify(entered)}`);
    await entered.admission.release(new Date(now.getTime() + 100), true);
    // Before: the take went on to the second slot and the first stayed leased by no one until the
    // request's timeout + 5 s: the endpoint's next takes found one slot of its two.
    const slots = rateLimitStore(stack.deps.db);
    const w = { org: ep.org_id, endpointId: `${ep.id}#trial`, limit: stack.config.isolation.trialInFlight };
    const at = now.getTime() + 100;
    const takes = [];
    for (let i = 0; i < w.limit; i++)
      takes.push(await slots.take({ ...w, now: at, until: at + 10_000, random: () => 0 }));
    expect(takes.map((t) => ("slot" in t ? t.slot : "refused")).sort()).toEqual([0, 1]);
  }, 120_000);
});
