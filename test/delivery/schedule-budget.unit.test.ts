/**
 * Retries waiting longer than a re-send may (15 min) go through EventBridge Scheduler, whose
 * CreateSchedule quota is 5,000/s for the whole Region (issue #25, "Scheduler"):
 * - each delivery process asks for at most its share (`RETRY_SCHEDULES_PER_SECOND`,
 *   core/config/capacity.ts); a retry over it waits on the queue instead;
 * - a schedule the scheduler refuses burns no retry: the task waits on the queue until it is
 *   due (re-sent hop by hop, `due_at`), where it used to be held 60 s and tried at once.
 * On the production handlers over in-memory adapters, with a clock the test moves.
 */
import { describe, expect, it } from "vitest";
import { putEndpointRecord } from "../support/endpoints.js";
import { LONG_WAIT_S, retryStack as stack } from "../support/retry-stack.js";

describe("retry schedules", () => {
  it("a refused CreateSchedule burns no retry: the attempt is made when it is due", async () => {
    const s = stack({}, 2);
    s.schedulerRefuses(true);
    const ep = await putEndpointRecord(s.deps, { org_id: "org_refused", url: "https://refused.test/hook" });
    await s.publish(ep.org_id);
    await s.runUntil(s.now() + 2 * 3_600_000);

    const times = s.sentAt.get(ep.url)!;
    expect(s.scheduled.length).toBeGreaterThanOrEqual(1);
    expect(times).toHaveLength(3);
    // The third attempt waited the schedule's 20 min (jitter pinned to 0), not the 60 s hold it got.
    expect((times[2]! - times[1]!) / 1000).toBeGreaterThanOrEqual(LONG_WAIT_S);
    expect((times[2]! - times[1]!) / 1000).toBeLessThan(LONG_WAIT_S + 60);
    const msgId = s.destination.requests[0]!.headers["webhook-id"]!;
    expect(await s.deps.deliveryStore.get(ep.org_id, msgId, ep.id)).toMatchObject({
      status: "succeeded",
      attempts: 3,
    });
  });

  it("a process asks the scheduler for at most its share per second; the rest wait on the queue, on time", async () => {
    const s = stack({ RETRY_SCHEDULES_PER_SECOND: "2" }, 2);
    s.schedulerRefuses(false);
    const eps = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        putEndpointRecord(s.deps, { org_id: `org_budget_${i}`, url: `https://budget-${i}.test/hook` }),
      ),
    );
    for (const ep of eps) await s.publish(ep.org_id);
    await s.runUntil(s.now() + 2 * 3_600_000);

    // 20 retries fell due for a schedule within the same second: 2 were asked for.
    const perSecond = new Map<number, number>();
    for (const { at } of s.scheduled)
      perSecond.set(Math.floor(at / 1000), (perSecond.get(Math.floor(at / 1000)) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(2);
    expect(s.scheduled.length).toBeLessThan(20);
    // Every endpoint still got its third attempt, 20 min after its second.
    for (const ep of eps) {
      const times = s.sentAt.get(ep.url)!;
      expect(times).toHaveLength(3);
      expect((times[2]! - times[1]!) / 1000).toBeGreaterThanOrEqual(LONG_WAIT_S);
      expect((times[2]! - times[1]!) / 1000).toBeLessThan(LONG_WAIT_S + 60);
    }
  });
});
