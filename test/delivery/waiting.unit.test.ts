/**
 * Retries waiting longer than SQS holds a message wait in the table, and ONE scheduler entry per
 * endpoint and due minute resumes them (core/delivery/waiting.ts; issue #25, "Scheduler": one
 * CreateSchedule per retry made ~1.2k/s for one endpoint failing half the time). On the
 * production delivery and maintenance handlers over in-memory adapters, with a clock the test
 * moves; the same on DynamoDB Local: test/delivery/engine-scheduler.test.ts.
 */
import { describe, expect, it } from "vitest";
import { waiterDelaySeconds, waitingRun } from "../../core/delivery/policy/waiting.js";
import { recoverEndpoint, resendDelivery } from "../../core/delivery/recovery.js";
import type { EndpointRecord, ScheduleEntry } from "../../core/model/index.js";
import { putEndpointRecord } from "../support/endpoints.js";
import { LONG_WAIT_S, retryStack } from "../support/retry-stack.js";

const HOUR_MS = 3_600_000;
const isRun = (e: ScheduleEntry) => e.name.startsWith("wait-");
/** Its failures must not open the breaker (a run of them, or 80 % of 20): the subject is the retries. */
const NO_BREAKER = { BREAKER_FAILURES: "1000" };
const N = 8;

/** The events the endpoint was sent, each expected delivered after `attempts` attempts. */
async function deliveredAll(s: ReturnType<typeof retryStack>, ep: EndpointRecord, attempts: number) {
  const ids = [
    ...new Set(s.destination.requests.filter((r) => r.url === ep.url).map((r) => r.headers["webhook-id"]!)),
  ];
  for (const id of ids)
    expect(await s.deps.deliveryStore.get(ep.org_id, id, ep.id)).toMatchObject({
      status: "succeeded",
      attempts,
    });
  return ids;
}

describe("waitingRun, waiterDelaySeconds (pure)", () => {
  it("the run is at the start of the due minute, named by the endpoint and that minute", () => {
    const a = waitingRun("org_1", "ep_1", new Date("2026-01-01T00:20:00.001Z"));
    const b = waitingRun("org_1", "ep_1", new Date("2026-01-01T00:20:59.999Z"));
    expect(a.at.toISOString()).toBe("2026-01-01T00:20:00.000Z");
    expect(b).toEqual(a);
    expect(waitingRun("org_1", "ep_1", new Date("2026-01-01T00:20:00.000Z"))).toEqual(a);
    expect(waitingRun("org_1", "ep_1", new Date("2026-01-01T00:21:00.000Z")).name).not.toBe(a.name);
    expect(waitingRun("org_1", "ep_2", new Date("2026-01-01T00:20:30.000Z")).name).not.toBe(a.name);
    expect(JSON.parse(a.body)).toEqual({ kind: "endpoint.waiting", org_id: "org_1", endpoint_id: "ep_1" });
  });

  it("a waiter is sent with what is left until it is due, or the pace's delay, within 15 min", () => {
    const now = new Date("2026-01-01T00:20:00.000Z");
    expect(waiterDelaySeconds("2026-01-01T00:20:42.300Z", now, 0)).toBe(43);
    expect(waiterDelaySeconds("2026-01-01T00:19:00.000Z", now, 0)).toBe(0);
    expect(waiterDelaySeconds("2026-01-01T00:20:05.000Z", now, 30)).toBe(30);
    expect(waiterDelaySeconds("2026-01-01T00:20:05.000Z", now, 5_000)).toBe(900);
  });
});

describe("retries waiting in the table", () => {
  it("retries of one endpoint due in one minute make one schedule, and all are tried with their attempt count", async () => {
    const s = retryStack(NO_BREAKER, 2);
    s.schedulerRefuses(false);
    const ep = await putEndpointRecord(s.deps, { org_id: "org_many", url: "https://many.test/hook" });
    await s.publish(ep.org_id, N);
    await s.runUntil(s.now() + 2 * HOUR_MS);

    expect(s.scheduled.filter((x) => isRun(x.entry))).toHaveLength(1);
    expect(s.scheduled).toHaveLength(1);
    expect(await deliveredAll(s, ep, 3)).toHaveLength(N);
    // The third attempts came when due (to the second), though the run came at the minute's start.
    const times = s.sentAt.get(ep.url)!;
    expect(times).toHaveLength(3 * N);
    const second = times[N]!;
    for (const t of times.slice(2 * N)) {
      expect((t - second) / 1000).toBeGreaterThanOrEqual(LONG_WAIT_S);
      expect((t - second) / 1000).toBeLessThanOrEqual(LONG_WAIT_S + 1);
    }
  });

  it("a run that never came is made up by the endpoint's next one", async () => {
    const s = retryStack(NO_BREAKER, 2);
    s.schedulerRefuses(false);
    const real = s.deps.scheduler.schedule.bind(s.deps.scheduler);
    let lost = 0;
    s.deps.scheduler = {
      ...s.deps.scheduler,
      // The first waiting run is lost after it was accepted (its invocation dropped).
      schedule: async (entry) => {
        if (isRun(entry) && lost++ === 0) return;
        return real(entry);
      },
    };
    const ep = await putEndpointRecord(s.deps, { org_id: "org_lost", url: "https://lost.test/hook" });
    await s.publish(ep.org_id, 3);
    await s.runUntil(s.now() + 10 * 60_000);
    await s.publish(ep.org_id, 2);
    await s.runUntil(s.now() + 2 * HOUR_MS);

    expect(await deliveredAll(s, ep, 3)).toHaveLength(5);
    expect(s.sentAt.get(ep.url)).toHaveLength(15);
  });

  it("a waiter whose run never came, and no later one, is stuck: recover finds and re-sends it", async () => {
    const s = retryStack(NO_BREAKER, 2);
    const real = s.deps.scheduler.schedule.bind(s.deps.scheduler);
    s.deps.scheduler = {
      ...s.deps.scheduler,
      schedule: async (entry) => (isRun(entry) ? undefined : real(entry)),
    };
    const ep = await putEndpointRecord(s.deps, { org_id: "org_stuck", url: "https://stuck.test/hook" });
    await s.publish(ep.org_id);
    await s.runUntil(s.now() + 2 * HOUR_MS);
    const msgId = s.destination.requests[0]!.headers["webhook-id"]!;
    expect(await s.deps.deliveryStore.get(ep.org_id, msgId, ep.id)).toMatchObject({ status: "retrying" });
    const res = await recoverEndpoint(s.deps, ep.org_id, ep.id, new Date(0).toISOString());
    expect(res.count).toBe(1);
    await s.runUntil(s.now() + 60_000);
    expect(await s.deps.deliveryStore.get(ep.org_id, msgId, ep.id)).toMatchObject({ status: "succeeded" });
    expect(s.sentAt.get(ep.url)).toHaveLength(3);
  });

  it("a second copy of a resumed waiter (its run retried after it sent) makes no second request", async () => {
    // Attempt 3 fails too, and its retry waits 30 s on its message: the copy comes meanwhile.
    const s = retryStack({ ...NO_BREAKER, RETRY_SCHEDULE: `1,${LONG_WAIT_S},30` }, 3);
    const sent: string[] = [];
    const send = s.queue.send.bind(s.queue);
    s.queue.send = (name, messages, opts) => {
      for (const m of messages) if (m.body.includes('"due_at"')) sent.push(m.body);
      return send(name, messages, opts);
    };
    const ep = await putEndpointRecord(s.deps, { org_id: "org_copy", url: "https://copy.test/hook" });
    await s.publish(ep.org_id);
    await s.runUntil(s.now() + (LONG_WAIT_S + 15) * 1000);
    expect(sent).toHaveLength(1);
    expect(s.sentAt.get(ep.url)).toHaveLength(3);
    await send("delivery", [{ id: "copy", body: sent[0]! }]);
    await s.runUntil(s.now() + 2 * HOUR_MS);

    expect(await deliveredAll(s, ep, 4)).toHaveLength(1);
    expect(s.sentAt.get(ep.url)).toHaveLength(4);
  });

  it("a waiter whose run was refused leaves the index, and waits on the queue instead", async () => {
    const s = retryStack(NO_BREAKER, 2);
    s.schedulerRefuses(true);
    const ep = await putEndpointRecord(s.deps, { org_id: "org_refused", url: "https://refused.test/hook" });
    await s.publish(ep.org_id);
    await s.runUntil(s.now() + 60_000);
    const msgId = s.destination.requests[0]!.headers["webhook-id"]!;
    expect(await s.deps.deliveryStore.get(ep.org_id, msgId, ep.id)).toMatchObject({ attempts: 2 });
    const ahead = new Date(s.now() + 2 * HOUR_MS).toISOString();
    expect(
      (await s.deps.deliveryStore.waitingDue(ep.org_id, ep.id, { until: ahead, max: 10 })).deliveries,
    ).toEqual([]);
    await s.runUntil(s.now() + 2 * HOUR_MS);
    expect(await s.deps.deliveryStore.get(ep.org_id, msgId, ep.id)).toMatchObject({
      status: "succeeded",
      attempts: 3,
    });
  });

  it("a waiter whose delivery moved on (a resend) is not sent again by its run", async () => {
    const s = retryStack(NO_BREAKER, 2);
    const ep = await putEndpointRecord(s.deps, { org_id: "org_moved", url: "https://moved.test/hook" });
    await s.publish(ep.org_id);
    await s.runUntil(s.now() + 10 * 60_000);
    const msgId = s.destination.requests[0]!.headers["webhook-id"]!;
    expect(await s.deps.deliveryStore.get(ep.org_id, msgId, ep.id)).toMatchObject({ status: "retrying" });
    await resendDelivery(s.deps, ep.org_id, msgId, ep.id);
    await s.runUntil(s.now() + 2 * HOUR_MS);

    // Two failures, the resend's success: the waiting run found the waiter stale.
    expect(s.sentAt.get(ep.url)).toHaveLength(3);
    const due = await s.deps.deliveryStore.waitingDue(ep.org_id, ep.id, {
      until: new Date(s.now()).toISOString(),
      max: 10,
    });
    expect(due.deliveries).toHaveLength(0);
  });

  it("a waiter whose event was erased ends erased without a request; a deleted endpoint's run sends nothing", async () => {
    // Both waiters ask for their runs in one second: the default budget (1.47/s since 8aaa898
    // raised the delivery lanes' concurrency; schedule-budget.unit tests it) keeps one on the queue.
    const s = retryStack({ ...NO_BREAKER, RETRY_SCHEDULES_PER_SECOND: "10" }, 2);
    const ep = await putEndpointRecord(s.deps, { org_id: "org_erased", url: "https://erased.test/hook" });
    const gone = await putEndpointRecord(s.deps, { org_id: "org_gone", url: "https://gone.test/hook" });
    await s.publish(ep.org_id, 1, { subject: "user-1" });
    await s.publish(gone.org_id);
    await s.runUntil(s.now() + 10 * 60_000);
    const idAt = (url: string) => s.destination.requests.find((r) => r.url === url)!.headers["webhook-id"]!;
    const [erasedId, goneId] = [idAt(ep.url), idAt(gone.url)];
    await s.deps.erasureStore.eraseMessage(ep.org_id, erasedId!, new Date(s.now()).toISOString());
    await s.deps.endpointStore.remove(gone.org_id, gone.id);
    await s.runUntil(s.now() + 2 * HOUR_MS);

    expect(s.sentAt.get(ep.url)).toHaveLength(2);
    expect(s.sentAt.get(gone.url)).toHaveLength(2);
    expect(await s.deps.deliveryStore.get(ep.org_id, erasedId!, ep.id)).toMatchObject({
      status: "erased",
      attempts: 2,
    });
    expect(await s.deps.deliveryStore.get(gone.org_id, goneId!, gone.id)).toMatchObject({
      status: "retrying",
      attempts: 2,
    });
  });
});
