/**
 * A waiting retry is sent once, even when its removal from the waiting index is throttled
 * (issue #25: dead-endpoint-3d sent waiters twice, traced on branch lostdup 0004027). A run of
 * an endpoint's waiters (core/delivery/waiting.ts) enqueued each due waiter, then took it out
 * of the index; a throttled removal left it in, and the next run, or the same run's next page,
 * enqueued it again. Both copies read the same `retrying` record before either wrote its entry,
 * so the copy check (policy/delivered.ts `movedPast`) could not catch them. Now a run claims
 * each waiter (a lease on its item, core/store/waiting.ts `claimWaiter`) before it sends it,
 * and only the claimer sends it; a throttled removal of a stale waiter fails nothing else.
 *
 * Real parts: DynamoDB Local, fauxqs, a receiver on 127.0.0.1. The runs are called with the
 * delivery pollers stopped, so every copy they enqueue is on the queue when delivery starts;
 * what is enqueued is counted per delivery (exact), and the receiver counts requests per
 * webhook-id (two copies on the queue are two requests only when one batch holds both).
 */
import { afterAll, describe, expect, it } from "vitest";
import type { Deps } from "../../core/all-deps.js";
import { SQS_MAX_DELAY_SECONDS } from "../../core/config/index.js";
import { waiterLeaseMs } from "../../core/delivery/policy/waiting.js";
import { deliveryEntry } from "../../core/delivery/records.js";
import { resumeWaiting } from "../../core/delivery/waiting.js";
import type { EndpointRecord } from "../../core/model/endpoint.js";
import type { DeliveryTask } from "../../core/model/task.js";
import { shardOf } from "../../core/store/shard-plan.js";
import { shardPlanOf } from "../../core/store/shard-plans.js";
import { captureOutput } from "../support/capture.js";
import { putMessageOf, taskFor } from "../support/deliveries.js";
import { deliverAll, fireSchedules, requestsPerEvent, scheduleEntriesWith } from "../support/delivery.js";
import { putEndpoint } from "../support/endpoints.js";
import { answerLost, awsError, type Call, failCalls, interpose } from "../support/faults.js";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { createTestStack, type TestStack } from "../support/stack.js";

const receivers: Receiver[] = [];
/** The longest claim a run takes: on a copy sent with SQS's longest delay (the most production passes). */
const LONGEST_LEASE_MS = waiterLeaseMs(SQS_MAX_DELAY_SECONDS);

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
});

interface Waiting {
  stack: TestStack;
  ep: EndpointRecord;
  r: Receiver;
  tasks: DeliveryTask[];
  /** The stack's deps, counting what the runs enqueue per delivery (`enqueued`). */
  deps: Deps;
  enqueued: Map<string, number>;
}

/**
 * An endpoint with `n` retries waiting in the table, due a minute ago, after two failed
 * attempts; `oneShard`: all in one shard of the index, so its pages read them in order.
 */
async function endpointWithWaiters(n: number, oneShard = false): Promise<Waiting> {
  const stack = await createTestStack({ RETRY_SCHEDULE: "1", ENDPOINT_CACHE_SECONDS: "0" });
  const r = await startReceiver();
  receivers.push(r);
  const ep = await putEndpoint(stack.deps, { url: r.url });
  const plan = await shardPlanOf(stack.deps.db, ep.org_id);
  const tasks: DeliveryTask[] = [];
  for (let i = 0; tasks.length < n; i++) {
    const t = taskFor(ep, { i });
    if (oneShard && tasks[0] && shardOf(plan, t.msg_id) !== shardOf(plan, tasks[0].msg_id)) continue;
    await putMessageOf(stack.deps, t);
    const retrying = { status: "retrying", attempts: 2, lastStatusCode: 503, lastError: "HTTP 503" } as const;
    const due = new Date(Date.now() - 60_000 + tasks.length);
    const entry = deliveryEntry(stack.deps, t, { ...retrying, nextAttemptAt: due });
    await stack.deps.deliveryStore.write([{ ...entry, waits: true }]);
    tasks.push(t);
  }
  const enqueued = new Map<string, number>();
  const queue = stack.deps.taskQueue;
  const deps: Deps = {
    ...stack.deps,
    taskQueue: {
      ...queue,
      send: async (name, messages, opts) => {
        const report = await queue.send(name, messages, opts);
        for (const id of report.sent) enqueued.set(id, (enqueued.get(id) ?? 0) + 1);
        return report;
      },
    },
  };
  return { stack, ep, r, tasks, deps, enqueued };
}

const isClaim = (call: Call) =>
  call.command === "UpdateItemCommand" && String(call.input.UpdateExpression).startsWith("SET claimed_until");
const isRemoval = (call: Call) =>
  call.command === "UpdateItemCommand" && String(call.input.UpdateExpression).startsWith("REMOVE gsi2pk");

/** Throttles the removals from the index that `which` picks (by the item's sort key), counting them. */
function throttleRemovals(stack: TestStack, which: (sk: string, n: number) => boolean) {
  const throttled: string[] = [];
  let n = 0;
  interpose(stack.deps.db.doc, (call) => {
    if (!isRemoval(call)) return undefined;
    const sk = String((call.input.Key as { sk: string }).sk);
    if (!which(sk, ++n)) return undefined;
    throttled.push(sk);
    return Promise.reject(awsError("ProvisionedThroughputExceededException", "injected throttle"));
  });
  return throttled;
}

/** Pages of the waiting index `size` long per shard, as a response's 1 MB would cut them. */
function smallPages(stack: TestStack, size: number) {
  interpose(stack.deps.db.doc, (call) => {
    const values = call.input.ExpressionAttributeValues as Record<string, unknown> | undefined;
    if (call.command !== "QueryCommand" || !String(values?.[":pk"]).startsWith("WAIT#")) return undefined;
    return call.send({ ...call.input, Limit: size });
  });
}

const once = (tasks: DeliveryTask[], id: (t: DeliveryTask) => string = (t) => t.msg_id) =>
  new Map(tasks.map((t) => [id(t), 1]));
const taskKey = (t: DeliveryTask) => `${t.msg_id}:${t.endpoint_id}`;

/** Each waiter was enqueued once, and once delivered the receiver got each event once. */
async function enqueuedAndSentOnce(w: Awaited<ReturnType<typeof endpointWithWaiters>>) {
  expect(w.enqueued).toEqual(once(w.tasks, taskKey));
  await deliverAll(w);
  expect(requestsPerEvent(w.r)).toEqual(once(w.tasks));
}

describe("a waiter whose removal from the waiting index is throttled", () => {
  it("is sent once across two runs, and a run after its lease finds it stale and removes it", async () => {
    const w = await endpointWithWaiters(3);
    const { stack, ep, tasks, deps } = w;
    const throttled = throttleRemovals(stack, (_sk, n) => n === 1);
    expect(await resumeWaiting(deps, ep.org_id, ep.id)).toBe(3);
    expect(throttled).toHaveLength(1);
    // The next minute's run reads the throttled one, still in the index, and finds it claimed.
    expect(await resumeWaiting(deps, ep.org_id, ep.id)).toBe(0);
    await enqueuedAndSentOnce(w);

    // Its lease over, the waiter is due again, but its copy made the attempt: it leaves the index.
    const later = { ...deps, now: () => new Date(Date.now() + LONGEST_LEASE_MS + 60_000) };
    expect(await resumeWaiting(later, ep.org_id, ep.id)).toBe(0);
    const ahead = new Date(Date.now() + 2 * LONGEST_LEASE_MS).toISOString();
    expect(
      (await stack.deps.deliveryStore.waitingDue(ep.org_id, ep.id, { until: ahead, max: 10 })).deliveries,
    ).toEqual([]);
    expect(w.enqueued).toEqual(once(tasks, taskKey));
  }, 120_000);

  it("is sent once across two pages of one run", async () => {
    const w = await endpointWithWaiters(5, true);
    const { stack, ep, deps } = w;
    // Pages of two: the first sends two, the next reads the throttled one again, and one more.
    smallPages(stack, 2);
    const throttled = throttleRemovals(stack, (_sk, n) => n === 1);
    expect(await resumeWaiting(deps, ep.org_id, ep.id)).toBe(5);
    expect(throttled).toHaveLength(1);
    await enqueuedAndSentOnce(w);
  }, 120_000);
});

describe("a stale waiter whose removal is throttled", () => {
  it("fails nothing else: the run sends the rest of its page, each once", async () => {
    const w = await endpointWithWaiters(4);
    const { stack, ep, r, tasks, deps } = w;
    // The first waiter's delivery moved on (a resend succeeded): its waiter is stale.
    const [moved, ...live] = tasks as [DeliveryTask, ...DeliveryTask[]];
    const ok = { status: "succeeded", attempts: 3, lastStatusCode: 200, lastError: null } as const;
    const after = { now: () => new Date(Date.now() + 1_000) };
    await stack.deps.deliveryStore.write([deliveryEntry(after, moved, { ...ok, nextAttemptAt: null })]);
    const throttled = throttleRemovals(stack, (sk) => sk.startsWith(`${moved.msg_id}#`));

    const logs = captureOutput({ echo: false });
    try {
      expect(await resumeWaiting(deps, ep.org_id, ep.id)).toBe(live.length);
    } finally {
      logs.stop();
    }
    expect(throttled).toHaveLength(1);
    expect(logs.text()).toContain("stale waiter left in the waiting index");
    expect(w.enqueued).toEqual(once(live, taskKey));
    await deliverAll({ ...w, tasks: live });
    expect(requestsPerEvent(r)).toEqual(once(live));
  }, 120_000);
});

describe("two runs of one endpoint at once", () => {
  it("send each waiter once: only the run that claims it sends it", async () => {
    const w = await endpointWithWaiters(6);
    const { ep, deps } = w;
    const [a, b] = await Promise.all([
      resumeWaiting(deps, ep.org_id, ep.id),
      resumeWaiting(deps, ep.org_id, ep.id),
    ]);
    expect(a + b).toBe(6);
    await enqueuedAndSentOnce(w);
  }, 120_000);
});

describe("a waiter claimed, refused by SQS and not released", () => {
  it("waits for its lease to end, and the run scheduled for then sends it once", async () => {
    const w = await endpointWithWaiters(2);
    const { stack, ep, tasks, deps } = w;
    const refused = failCalls(stack.deps.sqs, "SendMessageBatchCommand", () => true);
    // The claim's release after the refusal.
    interpose(stack.deps.db.doc, (call) =>
      call.command === "UpdateItemCommand" && call.input.UpdateExpression === "REMOVE claimed_until"
        ? Promise.reject(awsError("ProvisionedThroughputExceededException", "injected throttle"))
        : undefined,
    );
    const before = Date.now();
    await expect(resumeWaiting(deps, ep.org_id, ep.id)).rejects.toThrow();
    refused.restore();
    // Overdue, they were to be sent at once: claimed for the lease's margin, not 15 min.
    const lease = waiterLeaseMs(0);
    const runs = await scheduleEntriesWith(stack.deps, ep.id);
    expect(runs).toHaveLength(1);
    expect(Date.parse(runs[0]!.dueAt)).toBeGreaterThanOrEqual(before + lease - 1_000);
    expect(Date.parse(runs[0]!.dueAt)).toBeLessThanOrEqual(Date.now() + lease + 60_000);
    // Claimed, they are no run's until then; a run that meets them asks for that same run.
    expect(await resumeWaiting(deps, ep.org_id, ep.id)).toBe(0);
    expect(w.enqueued.size).toBe(0);
    expect(await scheduleEntriesWith(stack.deps, ep.id)).toEqual(runs);

    const later = { ...deps, now: () => new Date(Date.now() + LONGEST_LEASE_MS + 60_000) };
    expect(await fireSchedules(later, later.now())).toBe(1);
    expect(w.enqueued).toEqual(once(tasks, taskKey));
  }, 120_000);
});

// A throttled take is busy, not a failure (core/store/item.ts `busyIfThrottled`).
describe("a waiter whose claim DynamoDB throttles", () => {
  it("fails nothing: the run sends the others and schedules the run that sends it, each once", async () => {
    const w = await endpointWithWaiters(3);
    const { stack, ep, deps } = w;
    let claims = 0;
    const throttle = interpose(stack.deps.db.doc, (call) =>
      isClaim(call) && claims++ === 0
        ? Promise.reject(awsError("ProvisionedThroughputExceededException", "injected throttle"))
        : undefined,
    );
    expect(await resumeWaiting(deps, ep.org_id, ep.id)).toBe(2);
    throttle.restore();
    expect(claims).toBe(3);
    expect(await scheduleEntriesWith(stack.deps, ep.id)).toHaveLength(1);
    expect(await fireSchedules(deps, new Date(Date.now() + 120_000))).toBe(1);
    await enqueuedAndSentOnce(w);
  }, 120_000);
});

/** Fails the first read of the waiter item (its delivery's latest log item) with `error`. */
function failWaiterRead(stack: TestStack, error: Error) {
  let reads = 0;
  return interpose(stack.deps.db.doc, (call) => {
    const values = call.input.ExpressionAttributeValues as Record<string, unknown> | undefined;
    const read = call.command === "QueryCommand" && String(values?.[":pk"]).startsWith("LOG#");
    return read && call.input.Limit === 1 && reads++ === 0 ? Promise.reject(error) : undefined;
  });
}

// The take's reads before its claim are the take's too: a page's other waiters are not left
// claimed and unsent by one of them (mapLimit rejects, its other calls go on claiming).
describe("a waiter whose read before its claim fails", () => {
  it("throttled, is busy: the run sends the others and schedules the run that sends it, each once", async () => {
    const w = await endpointWithWaiters(3);
    const { stack, ep, deps } = w;
    const throttle = failWaiterRead(stack, awsError("ProvisionedThroughputExceededException", "injected"));
    expect(await resumeWaiting(deps, ep.org_id, ep.id)).toBe(2);
    throttle.restore();
    expect(await scheduleEntriesWith(stack.deps, ep.id)).toHaveLength(1);
    expect(await fireSchedules(deps, new Date(Date.now() + 120_000))).toBe(1);
    await enqueuedAndSentOnce(w);
  }, 120_000);

  it("failed otherwise (its event's read, a 5xx), fails the run only after the others are sent", async () => {
    const w = await endpointWithWaiters(3);
    const { stack, ep, tasks, deps } = w;
    let reads = 0;
    const failed = interpose(stack.deps.db.doc, (call) =>
      call.command === "GetItemCommand" &&
      String((call.input.Key as { pk: string }).pk).startsWith("MSG#") &&
      reads++ === 0
        ? Promise.reject(awsError("InternalError", "injected 5xx"))
        : undefined,
    );
    await expect(resumeWaiting(deps, ep.org_id, ep.id)).rejects.toThrow();
    failed.restore();
    expect([...w.enqueued.values()]).toEqual([1, 1]);
    // Not claimed: the run-fallback's next run sends it, a minute later (not the claim's 5 min).
    expect(await resumeWaiting(deps, ep.org_id, ep.id)).toBe(1);
    expect(w.enqueued).toEqual(once(tasks, taskKey));
  }, 120_000);
});

// A claim applied whose answer was lost (a timeout, a 5xx after the write): the SDK retries it,
// and the retry is refused on the claim the first made.
describe("a waiter claimed whose claim's answer was lost", () => {
  it("is the run's own claim: sent by that run with the others, once, and no run scheduled for the claim's end", async () => {
    const w = await endpointWithWaiters(3);
    const { stack, ep, deps } = w;
    const retried = answerLost(stack.deps.db.doc, isClaim);
    // Before: 2, the third left claimed and sent by a run scheduled for its claim's end (5 min on).
    expect(await resumeWaiting(deps, ep.org_id, ep.id)).toBe(3);
    retried.restore();
    expect(retried.count()).toBe(3); // the three claims; the first's answer lost
    expect(await scheduleEntriesWith(stack.deps, ep.id)).toEqual([]);
    await enqueuedAndSentOnce(w);
  }, 120_000);
});

describe("waiters claimed by a run that died before sending them", () => {
  it("are due when the claim ends, about 5 min for waiters due now; the next run that meets them schedules the run for then, which sends each once", async () => {
    const w = await endpointWithWaiters(3);
    const { stack, ep, deps } = w;
    // The dead run's claims, as claimWaiter made them: then nothing (no send, no release).
    const now = new Date();
    const claim = { until: new Date(now.getTime() + waiterLeaseMs(0)).toISOString(), now: now.toISOString() };
    const due = await stack.deps.deliveryStore.waitingDue(ep.org_id, ep.id, { until: claim.now, max: 10 });
    expect(due.deliveries).toHaveLength(3);
    for (const ref of due.deliveries) {
      expect(await stack.deps.deliveryStore.claimWaiter(ep.org_id, ref, claim)).toBe(true);
    }

    // Lambda's retry of the dead run, or the endpoint's next run: it leaves them to their
    // claimer until the claim ends, and schedules the run for then.
    expect(await resumeWaiting(deps, ep.org_id, ep.id)).toBe(0);
    expect(w.enqueued.size).toBe(0);
    const runs = await scheduleEntriesWith(stack.deps, ep.id);
    expect(runs).toHaveLength(1);
    expect(Date.parse(runs[0]!.dueAt)).toBeGreaterThanOrEqual(Date.parse(claim.until));
    expect(Date.parse(runs[0]!.dueAt)).toBeLessThanOrEqual(Date.parse(claim.until) + 60_000);

    const later = { ...deps, now: () => new Date(Date.parse(runs[0]!.dueAt) + 1_000) };
    expect(await fireSchedules(later, later.now())).toBe(1);
    await enqueuedAndSentOnce(w);
  }, 120_000);
});
