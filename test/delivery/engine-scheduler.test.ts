/**
 * Retries longer than a re-send may wait wait in the table, resumed by one scheduler entry per
 * endpoint and due minute (own stack: it fires every due entry). On DynamoDB Local and the local
 * scheduler; the same with a moved clock: test/delivery/waiting.unit.test.ts.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { pointerOf } from "../../core/delivery/pointer.js";
import type { DeliveryTask } from "../../core/model/task.js";
import {
  attemptsOf,
  deliveryOf,
  enqueue,
  putMessageOf,
  taskFor,
  waitForDelivery,
} from "../support/deliveries.js";
import { fireSchedules, type Harness, scheduleEntriesWith, startHarness } from "../support/delivery.js";
import { putEndpoint, putEndpointRecord } from "../support/endpoints.js";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { waitFor } from "../support/wait.js";

let h: Harness;
let r: Receiver;
/** Retries of one endpoint waiting at once. */
const N = 4;

beforeAll(async () => {
  // Re-sends wait at most 2 s here (SQS: 15 min): the 3 s delay after attempt 2 waits in the
  // table for its endpoint's run (core/delivery/waiting.ts). Failures in a row open no breaker.
  h = await startHarness(
    { RETRY_SCHEDULE: "1,3,1", SHORT_WAIT_SECONDS: "1", BREAKER_FAILURES: "1000" },
    { maxDelaySeconds: 2 },
  );
  r = await startReceiver({ plan: Array.from({ length: 2 * N }, () => ({ status: 500 })) });
});
afterAll(async () => {
  await h.stop();
  await r.close();
});

it("long retries of one endpoint wait in the table: one schedule per due minute, each tried with its attempt count", async () => {
  const ep = await putEndpointRecord(h.deps, { org_id: "org_waits", url: r.url });
  const tasks = Array.from({ length: N }, (_, i) => taskFor(ep, { call_id: `c${i}`, caller: "+15550100" }));
  for (const t of tasks) await putMessageOf(h.deps, t);
  await enqueue(h.deps, ...tasks);
  const secondFailed = (t: DeliveryTask) =>
    waitFor(async () => {
      const d = await deliveryOf(h.deps, t);
      return d?.status === "retrying" && d.attempts === 2 && d;
    });
  const waiting = await Promise.all(tasks.map(secondFailed));
  // One run per due minute of the endpoint (the N retries fall in one or two), named by it.
  const minutes = new Set(waiting.map((d) => Math.ceil(Date.parse(d.next_attempt_at!) / 60_000)));
  const runs = (await scheduleEntriesWith(h.deps, ep.id)).filter((e) => e.name.startsWith("wait-"));
  expect(runs).toHaveLength(minutes.size);
  expect(minutes.size).toBeLessThanOrEqual(2);
  for (const run of runs) {
    expect(run.target).toBe("maintenance");
    // The maintenance event names the endpoint only: no payload (no personal data) in the schedule.
    expect(JSON.parse(run.body)).toEqual({ kind: "endpoint.waiting", org_id: ep.org_id, endpoint_id: ep.id });
    expect(Date.parse(run.dueAt) % 60_000).toBe(0);
  }
  // The SQS messages were acknowledged, not re-sent: nothing comes back until a run resumes them.
  for (const t of tasks)
    await waitFor(() => h.spy.gone(t.msg_id, h.deps.config.queues.delivery), {
      what: "the task acknowledged",
    });
  expect(r.requests).toHaveLength(2 * N);

  // A run comes at the start of its minute, before its waiters are due: it sends each with the
  // delay left until it is due, so none is tried early.
  expect(await fireSchedules(h.deps, new Date(Date.now() + 61_000))).toBe(runs.length);
  for (const t of tasks) {
    const d = await waitForDelivery(h.deps, t, "succeeded");
    expect(d.attempts).toBe(3);
  }
  const byMsg = await attemptsOf(h.deps, ep);
  for (const t of tasks)
    expect(byMsg.filter((a) => a.msg_id === t.msg_id).map((a) => a.attempt)).toEqual([1, 2, 3]);
  // The body was read back from the stored message: the same JSON as the first attempt's.
  const of = (id: string) => r.requests.filter((q) => q.headers["webhook-id"] === id);
  for (const [i, t] of tasks.entries()) {
    const [first, , third] = of(t.msg_id);
    expect(JSON.parse(third!.body)).toEqual(JSON.parse(first!.body));
    expect(third!.at).toBeGreaterThanOrEqual(Date.parse(waiting[i]!.next_attempt_at!) - 1000);
  }
});

it("a scheduled retry whose event expired meanwhile ends expired without a request", async () => {
  const gone = await startReceiver();
  try {
    const ep = await putEndpoint(h.deps, { url: gone.url });
    const t = taskFor(ep);
    // The pointer as the scheduler puts it back, of an event no longer stored.
    await enqueue(h.deps, { ...pointerOf(t), attempt_base: 2 } as DeliveryTask);
    const d = await waitForDelivery(h.deps, t, "expired");
    expect(d).toMatchObject({
      attempts: 2,
      last_error: "the event's payload passed its retention before it was sent",
    });
    expect(gone.requests).toHaveLength(0);
  } finally {
    await gone.close();
  }
});
