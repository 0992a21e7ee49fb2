/**
 * A parked delivery resumed by two runs at once is sent once (issue #25: dead-endpoint-3d sent
 * 27 M deliveries twice after the endpoint recovered). Two resume runs of one endpoint (a
 * wake-up and a breaker-closed run, different schedule names) both read the same page of the
 * parked index before either took it out, and both enqueued it. Now one run holds the
 * endpoint's lease at a time (core/delivery/resume-run.ts), a run that finds it held asks the
 * holder to cover it with its next run (or, near the lease's end, leaves a run for after it; the
 * schedules made are counted on the in-memory scheduler), and every re-enqueued task carries its
 * `pending` entry's id, so a copy a
 * racing recover enqueued too is acknowledged without a request (policy/delivered.ts), while a
 * task received before its own run wrote that entry is sent (a resend of a delivered event).
 *
 * Real parts: DynamoDB Local, fauxqs, a receiver on 127.0.0.1. The runs race with the delivery
 * pollers stopped, so what is enqueued is all there when delivery starts; the receiver counts
 * requests per webhook-id.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { Deps } from "../../core/all-deps.js";
import { BREAKER_PARKED } from "../../core/delivery/policy/closed.js";
import { deliveryEntry } from "../../core/delivery/records.js";
import { recoverEndpoint, resendDelivery } from "../../core/delivery/recovery.js";
import { ASK_BEFORE_END_MS, RESUME_LEASE_MS, resumeParked } from "../../core/delivery/resume-run.js";
import type { EndpointRecord } from "../../core/model/endpoint.js";
import type { ScheduleEntry } from "../../core/model/schedule.js";
import type { DeliveryTask } from "../../core/model/task.js";
import { createScheduledHandler } from "../../core/scheduled/index.js";
import { memoryScheduler } from "../../core/scheduler/memory.js";
import { deliveryOf, putMessageOf, taskFor } from "../support/deliveries.js";
import {
  deliverAll,
  fireSchedules,
  requestsPerEvent,
  scheduleEntriesWith,
  startDelivery,
} from "../support/delivery.js";
import { putEndpoint } from "../support/endpoints.js";
import { answerLost, awsError, type Call, interpose } from "../support/faults.js";
import { waitForEmptyQueue } from "../support/queues.js";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { createTestStack, type TestStack } from "../support/stack.js";

const receivers: Receiver[] = [];
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
});

interface Parked {
  /** A stack of the test's own (its own queues: pollers stopped by another test cannot hold its messages). */
  stack: TestStack;
  ep: EndpointRecord;
  r: Receiver;
  tasks: DeliveryTask[];
}

async function endpointWithParked(n: number): Promise<Parked> {
  const stack = await createTestStack({ RETRY_SCHEDULE: "1", ENDPOINT_CACHE_SECONDS: "0" });
  const r = await startReceiver();
  receivers.push(r);
  const ep = await putEndpoint(stack.deps, { url: r.url });
  const tasks: DeliveryTask[] = [];
  await park({ stack, ep, r, tasks }, n);
  return { stack, ep, r, tasks };
}

/** Parks `n` more deliveries of the endpoint (as its open breaker would). */
async function park({ stack, ep, tasks }: Parked, n: number) {
  for (let i = 0; i < n; i++) {
    const t = taskFor(ep, { i: tasks.length });
    await putMessageOf(stack.deps, t);
    const parked = {
      status: "skipped",
      attempts: 3,
      lastStatusCode: 503,
      lastError: BREAKER_PARKED,
    } as const;
    await stack.deps.deliveryStore.write([deliveryEntry(stack.deps, t, { ...parked, nextAttemptAt: null })]);
    tasks.push(t);
  }
}

/**
 * The stack's parts on the in-memory scheduler (core/scheduler/memory.ts), which counts the
 * schedules made (`made`); `fire` runs what is due by `at` on `deps`.
 */
function countingSchedules(deps: Deps) {
  const mem = memoryScheduler(deps.taskQueue);
  const made: ScheduleEntry[] = [];
  const counted: Deps = {
    ...deps,
    scheduler: {
      ...mem,
      schedule: (e) => {
        made.push(e);
        return mem.schedule(e);
      },
    },
  };
  const fire = (on: Deps, at: Date) => mem.fireDue(at, createScheduledHandler(on));
  return { deps: counted, made, fire, pending: () => mem.entries().length };
}

/** Delivers everything; then each parked delivery was sent once, and none is left parked. */
async function deliveredOnceNoneLeft(parked: Parked) {
  const { stack, ep, r, tasks } = parked;
  await deliverAll(parked);
  expect(requestsPerEvent(r)).toEqual(sentOnce(tasks));
  const left = await recoverEndpoint(stack.deps, ep.org_id, ep.id, EPOCH, { parkedOnly: true, max: 10 });
  expect(left.count).toBe(0);
}

const sentOnce = (tasks: DeliveryTask[]) => new Map(tasks.map((t) => [t.msg_id, 1]));
const EPOCH = new Date(0).toISOString();
const afterLease = () => new Date(Date.now() + RESUME_LEASE_MS + 60_000);

/**
 * The stack's parts, but a run on them stops after its enqueue, before it writes its `pending`
 * entries (and takes the deliveries out of the index), until `go()`: the interleaving in which
 * a second run reads the same parked page, made certain instead of left to timing.
 */
function pausedBeforePending(stack: TestStack) {
  let reached!: () => void;
  let go!: () => void;
  const atPending = new Promise<void>((res) => (reached = res));
  const gate = new Promise<void>((res) => (go = res));
  const store = stack.deps.deliveryStore;
  const deps: Deps = {
    ...stack.deps,
    deliveryStore: {
      ...store,
      write: async (entries) => {
        if (entries.some((e) => e.delivery.status === "pending")) {
          reached();
          await gate;
        }
        return store.write(entries);
      },
    },
  };
  return { deps, atPending, go };
}

/** The endpoint's resume lease, taken at `now` by another run (`holder`). */
async function leaseTakenBy({ stack, ep }: Parked, holder: string, now: number) {
  const lease = { org: ep.org_id, endpointId: ep.id, holder };
  expect(await stack.deps.endpointStore.takeResumeLease(lease, { now, until: now + RESUME_LEASE_MS })).toBe(
    true,
  );
  return lease;
}

describe("a parked delivery resumed by racing runs", () => {
  it("two resume runs of one endpoint at once send each parked delivery exactly once", async () => {
    const parked = await endpointWithParked(12);
    const { stack, ep, r, tasks } = parked;
    const first = pausedBeforePending(stack);
    const running = resumeParked(first.deps, ep.org_id, ep.id);
    await first.atPending;
    // The first has enqueued the page and not yet taken it out of the index: this one is refused.
    expect(await resumeParked(stack.deps, ep.org_id, ep.id)).toBe(0);
    first.go();
    expect(await running).toBe(12);
    // The run the first left for the refused one's ask finds nothing parked: nothing more is sent.
    await deliverAll(parked, async () => expect(await fireSchedules(stack.deps, afterLease())).toBe(1));
    expect(requestsPerEvent(r)).toEqual(sentOnce(tasks));
  }, 120_000);

  it("a recover racing a resume sends each delivery once", async () => {
    const parked = await endpointWithParked(12);
    const { stack, ep, r, tasks } = parked;
    const recover = pausedBeforePending(stack);
    const recovering = recoverEndpoint(recover.deps, ep.org_id, ep.id, EPOCH);
    await recover.atPending;
    // Both read the page before either took it out of the index: each delivery is enqueued twice.
    expect(await resumeParked(stack.deps, ep.org_id, ep.id)).toBe(12);
    recover.go();
    expect((await recovering).count).toBe(12);
    await deliverAll(parked);
    expect(requestsPerEvent(r)).toEqual(sentOnce(tasks));
  }, 120_000);

  it("a run that finds the lease near its end (it may be the holder's own retry) leaves a run for after it", async () => {
    const parked = await endpointWithParked(5);
    const { stack, ep, r, tasks } = parked;
    const now = Date.now();
    const taken = now - RESUME_LEASE_MS + ASK_BEFORE_END_MS - 1_000;
    const holder = await leaseTakenBy(parked, "another-run", taken);

    expect(await resumeParked(stack.deps, ep.org_id, ep.id)).toBe(0);
    for (const t of tasks) expect(await deliveryOf(stack.deps, t)).toMatchObject({ status: "skipped" });
    const [next] = await scheduleEntriesWith(stack.deps, ep.id);
    expect(Date.parse(next!.dueAt)).toBeGreaterThanOrEqual(taken + RESUME_LEASE_MS - 1_000);

    // The holder ends (its run over); the run left for after its lease resumes everything.
    await stack.deps.endpointStore.releaseResumeLease(holder, Date.now());
    expect(await fireSchedules(stack.deps, afterLease())).toBeGreaterThanOrEqual(1);
    await deliverAll(parked);
    expect(requestsPerEvent(r)).toEqual(sentOnce(tasks));
  }, 120_000);

  it("two causes keep one chain of runs: a run refused while the holder runs, or covered by its next run, schedules nothing", async () => {
    const parked = await endpointWithParked(3);
    const { stack, ep } = parked;
    // One delivery a run, the next run 940 s later (policy/resume-pace.ts): a chain of runs.
    const config = stack.deps.config;
    const sched = countingSchedules(stack.deps);
    const slow: Deps = {
      ...sched.deps,
      config: { ...config, isolation: { ...config.isolation, resumePerSecond: 0.001 } },
    };
    const first = pausedBeforePending({ ...stack, deps: slow });
    const running = resumeParked(first.deps, ep.org_id, ep.id);
    await first.atPending;
    // A second cause while the first runs: refused, it asks the holder and schedules nothing.
    expect(await resumeParked(slow, ep.org_id, ep.id)).toBe(0);
    expect(sched.made).toHaveLength(0);
    first.go();
    expect(await running).toBe(1);
    // The first's next run (more remain) is the one schedule, and covers the second cause.
    expect(sched.made).toHaveLength(1);
    // A third cause after it: the first's next run covers it.
    expect(await resumeParked(slow, ep.org_id, ep.id)).toBe(0);
    expect(sched.made).toHaveLength(1);
    // One run at a time from here until nothing is parked.
    let fired = 0;
    for (let n = 1; n > 0; fired += n) {
      n = await sched.fire(slow, new Date(Date.now() + 3_600_000));
      expect(n).toBeLessThanOrEqual(1);
      expect(sched.pending()).toBeLessThanOrEqual(1);
    }
    // The first's chain only: each run with more left schedules the next, the last none.
    expect(fired).toBe(2);
    expect(sched.made).toHaveLength(2);
    await deliveredOnceNoneLeft(parked);
  }, 120_000);

  it("a holder that ends with nothing more after a refused run asked schedules the run that resumes what was parked meanwhile", async () => {
    const parked = await endpointWithParked(3);
    const { stack, ep } = parked;
    const sched = countingSchedules(stack.deps);
    const first = pausedBeforePending({ ...stack, deps: sched.deps });
    const running = resumeParked(first.deps, ep.org_id, ep.id);
    await first.atPending;
    // The first has read its page (all three): two more park, and their cause is refused.
    await park(parked, 2);
    expect(await resumeParked(sched.deps, ep.org_id, ep.id)).toBe(0);
    expect(sched.made).toHaveLength(0);
    first.go();
    expect(await running).toBe(3);
    // Nothing more at its read, but asked: the one run that answers the refused cause.
    expect(sched.made).toHaveLength(1);
    expect(await sched.fire(sched.deps, new Date(Date.now() + 60_000))).toBe(1);
    expect(sched.made).toHaveLength(1);
    await deliveredOnceNoneLeft(parked);
  }, 120_000);

  it("the ask reaches a holder only while it runs: after its release it is refused (the refused run then schedules its own)", async () => {
    const parked = await endpointWithParked(0);
    const store = parked.stack.deps.endpointStore;
    const now = Date.now();
    const holder = await leaseTakenBy(parked, "holder", now);
    expect(await store.askResumeLease(holder)).toBe(true);
    expect(await store.releaseResumeLease(holder, now + 1)).toEqual({ asked: true });
    expect(await store.askResumeLease(holder)).toBe(false);
    // The next holder starts with no ask.
    const next = await leaseTakenBy(parked, "next", now + 2);
    expect(await store.releaseResumeLease(next, now + 3)).toEqual({ asked: false });
  }, 120_000);

  it("the lease of a run that died halfway simply ends: the next run takes it", async () => {
    const parked = await endpointWithParked(3);
    const { stack, ep, r, tasks } = parked;
    await leaseTakenBy(parked, "crashed-run", Date.now() - RESUME_LEASE_MS - 1_000);
    expect(await resumeParked(stack.deps, ep.org_id, ep.id)).toBe(3);
    await deliverAll(parked);
    expect(requestsPerEvent(r)).toEqual(sentOnce(tasks));
  }, 120_000);
});

const isTake = (call: Call) =>
  call.command === "UpdateItemCommand" &&
  String(call.input.UpdateExpression).startsWith("SET lease_until = :until, holder");

/** Throttles the UpdateItem calls whose expression starts with `expression` (past the SDK's retries). */
function throttleUpdates({ stack }: Parked, expression: string) {
  return interpose(stack.deps.db.doc, (call: Call) =>
    call.command === "UpdateItemCommand" && String(call.input.UpdateExpression).startsWith(expression)
      ? Promise.reject(awsError("ProvisionedThroughputExceededException", "injected throttle"))
      : undefined,
  );
}

// A throttled take is busy, not a failure (core/store/item.ts `busyIfThrottled`).
describe("a resume lease DynamoDB throttles", () => {
  it("a run whose take is throttled fails nothing: it schedules the run that resumes each parked delivery once", async () => {
    const parked = await endpointWithParked(3);
    const { stack, ep, tasks } = parked;
    const takes = throttleUpdates(parked, "SET lease_until = :until, holder");
    expect(await resumeParked(stack.deps, ep.org_id, ep.id)).toBe(0);
    takes.restore();
    for (const t of tasks) expect(await deliveryOf(stack.deps, t)).toMatchObject({ status: "skipped" });
    expect(await scheduleEntriesWith(stack.deps, ep.id)).toHaveLength(1);
    expect(await fireSchedules(stack.deps, new Date(Date.now() + 120_000))).toBe(1);
    await deliveredOnceNoneLeft(parked);
  }, 120_000);

  it("a throttled ask is no ask: false, so the refused run schedules its own", async () => {
    const parked = await endpointWithParked(0);
    const store = parked.stack.deps.endpointStore;
    const holder = await leaseTakenBy(parked, "holder", Date.now());
    const asks = throttleUpdates(parked, "SET asked");
    expect(await store.askResumeLease(holder)).toBe(false);
    asks.restore();
    expect(await store.releaseResumeLease(holder, Date.now())).toEqual({ asked: false });
  }, 120_000);
});

// A take applied whose answer was lost (a timeout, a 5xx after the write): the SDK retries it,
// and the retry is refused on the condition the first made true (the lease is held: by it).
describe("a resume lease taken whose answer was lost", () => {
  it("the run that took it knows it as its own and resumes each parked delivery once", async () => {
    const parked = await endpointWithParked(3);
    const { stack, ep } = parked;
    const retried = answerLost(stack.deps.db.doc, isTake);
    expect(await resumeParked(stack.deps, ep.org_id, ep.id)).toBe(3);
    retried.restore();
    expect(retried.count()).toBe(1);
    await deliveredOnceNoneLeft(parked);
  }, 120_000);
});

describe("a re-enqueued task whose run has not written its pending entry yet", () => {
  it("a resend of a delivery that succeeded is sent: the success is older than the resend", async () => {
    const parked = await endpointWithParked(0);
    const { stack, ep, r } = parked;
    const t = taskFor(ep, { i: "resent" });
    await putMessageOf(stack.deps, t);
    const ok = { status: "succeeded", attempts: 1, lastStatusCode: 200, lastError: null } as const;
    await stack.deps.deliveryStore.write([deliveryEntry(stack.deps, t, { ...ok, nextAttemptAt: null })]);
    // The resend has enqueued its task and not yet written its `pending` entry (pending.ts):
    // the task's first receive finds the old success as the latest entry.
    const resend = pausedBeforePending(stack);
    const resending = resendDelivery(resend.deps, ep.org_id, t.msg_id, ep.id);
    await resend.atPending;
    const pollers = startDelivery(stack);
    try {
      await waitForEmptyQueue(stack.deps.sqs, stack.config.queues.delivery);
    } finally {
      await pollers.stop();
    }
    resend.go();
    await resending;
    expect(requestsPerEvent(r)).toEqual(new Map([[t.msg_id, 1]]));
  }, 120_000);
});
