/**
 * The delivery function behind the Lambda SQS event-source emulation, on a test stack: both
 * lanes polled as Lambda would (the shared lane and the slow lane, each with its own
 * handler), and a per-file harness that starts and stops them with the file's receivers.
 * Plus the local scheduler's entries, fired in-process, and what a receiver got of a run's tasks.
 */
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll } from "vitest";
import type { Deps } from "../../core/all-deps.js";
import { createDeliveryHandler, type DeliveryHandlerOptions } from "../../core/delivery/handler.js";
import type { DeliveryTask } from "../../core/model/task.js";
import { createScheduledHandler } from "../../core/scheduled/index.js";
import { fireDueSchedules } from "../../core/scheduler/local.js";
import { type EventSource, type EventSourceOptions, startEventSource } from "../../local/event-source.js";
import { waitForDelivery } from "./deliveries.js";
import { waitForEmptyQueue } from "./queues.js";
import { type Receiver, type ReceiverOptions, startReceiver } from "./receiver.js";
import { type SqsSpy, spySqs } from "./sqs-spy.js";
import { createTestStack, type TestStack } from "./stack.js";

export interface DeliveryPollers {
  /** The shared (fast) lane's poller, and the options it was started with. */
  source: EventSource;
  eventSource: EventSourceOptions;
  stop(): Promise<void>;
}

/** Polls both delivery lanes of `stack`, `concurrency` invocations at a time each. */
export function startDelivery(
  stack: TestStack,
  { concurrency = 2, options = {} }: { concurrency?: number; options?: DeliveryHandlerOptions } = {},
): DeliveryPollers {
  const deps = stack.deps;
  const eventSource: EventSourceOptions = {
    sqs: deps.sqs,
    queueUrl: stack.config.queues.delivery,
    queueArn: stack.env.DELIVERY_QUEUE_ARN!,
    handler: createDeliveryHandler(deps, options),
    batchSize: 10,
    concurrency,
    waitTimeSeconds: 1,
  };
  const source = startEventSource(eventSource);
  // The slow lane (endpoints whose attempts outlast the shared lane's budget): its own poller.
  const slow = startEventSource({
    ...eventSource,
    queueUrl: stack.config.queues.deliverySlow,
    queueArn: stack.env.DELIVERY_SLOW_QUEUE_ARN!,
    handler: createDeliveryHandler(deps, { ...options, lane: "slow" }),
  });
  const stop = async () => {
    await Promise.all([source.stop(), slow.stop()]);
  };
  return { source, eventSource, stop };
}

export interface Harness {
  stack: TestStack;
  deps: Deps;
  source: EventSource;
  eventSource: EventSourceOptions;
  /**
   * Watches the stack's SQS client from before the pollers start: a spy attached later misses
   * the receive already in flight (a 1 s long poll) and cannot tie its visibility change to a message.
   */
  spy: SqsSpy;
  stop(): Promise<void>;
}

/** Defaults: 1 s retries, endpoint cache off (tests change endpoints between attempts). */
export async function startHarness(
  env: Record<string, string> = {},
  options: DeliveryHandlerOptions = {},
): Promise<Harness> {
  const stack = await createTestStack({ RETRY_SCHEDULE: "1", ENDPOINT_CACHE_SECONDS: "0", ...env });
  const spy = spySqs(stack.deps.sqs);
  return { stack, deps: stack.deps, spy, ...startDelivery(stack, { options }) };
}

/** A harness the test file's hooks start and stop, and the receivers its tests start. */
export interface FileHarness extends Harness {
  /** A receiver closed with the harness after the file's tests. */
  receiver(opts?: ReceiverOptions): Promise<Receiver>;
}

/**
 * One harness for a test file: started in `beforeAll`, stopped in `afterAll` with every
 * receiver made by `receiver()`. Its fields are there once `beforeAll` has run.
 */
export function useHarness(
  env: Record<string, string> = {},
  options: DeliveryHandlerOptions = {},
): FileHarness {
  const receivers: Receiver[] = [];
  const h = {
    async receiver(opts?: ReceiverOptions) {
      const r = await startReceiver(opts);
      receivers.push(r);
      return r;
    },
  } as FileHarness;
  beforeAll(async () => {
    Object.assign(h, await startHarness(env, options));
  });
  afterAll(async () => {
    await h.stop();
    await Promise.all(receivers.map((r) => r.close()));
  });
  return h;
}

/** Local scheduler entries whose body mentions `text` (e.g. an endpoint id). */
export async function scheduleEntriesWith(deps: Deps, text: string) {
  const res = await deps.db.doc.send(
    new QueryCommand({
      TableName: deps.db.table,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": "SCHEDULE" },
    }),
  );
  return (res.Items ?? [])
    .filter((i) => String(i.body).includes(text))
    .map((i) => ({
      name: String(i.sk),
      target: String(i.target),
      body: String(i.body),
      dueAt: String(i.due_at),
    }));
}

/** Fires every scheduler entry due by `at` (maintenance runs in-process, as locally). */
export function fireSchedules(deps: Deps, at: Date) {
  const maintenance = createScheduledHandler(deps);
  return fireDueSchedules(deps, at, async (e) => {
    await maintenance(e);
  });
}

/**
 * Starts delivery on what runs enqueued (with the pollers stopped, so every copy is on the
 * queue), waits for every task to succeed, then runs `after` (e.g. the schedules left), waits
 * for the queues to drain, and stops it.
 */
export async function deliverAll(
  { stack, tasks }: { stack: TestStack; tasks: DeliveryTask[] },
  after: () => Promise<unknown> = async () => {},
) {
  const pollers = startDelivery(stack);
  try {
    for (const t of tasks) await waitForDelivery(stack.deps, t, "succeeded");
    await after();
    await waitForEmptyQueue(stack.deps.sqs, stack.config.queues.delivery);
    await waitForEmptyQueue(stack.deps.sqs, stack.config.queues.deliverySlow);
  } finally {
    await pollers.stop();
  }
}

/** Requests per webhook-id at the receiver. */
export function requestsPerEvent(r: Receiver): Map<string, number> {
  const counts = new Map<string, number>();
  for (const q of r.requests) {
    const id = String(q.headers["webhook-id"]);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}
