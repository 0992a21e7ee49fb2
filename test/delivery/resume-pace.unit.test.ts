/**
 * After a long outage, an endpoint's parked backlog resumes at a pace, not one page a minute
 * (#25 item 5, dead-endpoint-3d: "the resume re-enqueues 1,000 parked deliveries per run at
 * EventBridge's minute precision"). One run re-enqueues page after page, each page delayed so
 * they arrive at the resume rate (the endpoint's own rate limit when lower), and schedules the
 * next run for when they have. The production resume on in-memory adapters.
 */
import { describe, expect, it } from "vitest";
import { createMemoryContext } from "../../core/compose.js";
import { BREAKER_PARKED } from "../../core/delivery/policy/closed.js";
import {
  anotherPage,
  nextRunAfterSeconds,
  pageSize,
  RESUME_PER_SECOND,
  RESUME_RUN_BUDGET_MS,
} from "../../core/delivery/policy/resume-pace.js";
import { deliveryEntry } from "../../core/delivery/records.js";
import { resumeParked } from "../../core/delivery/resume-run.js";
import { putMessageOf, taskFor } from "../support/deliveries.js";
import { putEndpointRecord } from "../support/endpoints.js";

async function parkedBacklog(n: number, rateLimit: number | null = null) {
  const clock = Date.parse("2026-01-04T00:00:00Z");
  const ctx = createMemoryContext({ now: () => new Date(clock) });
  const ep = await putEndpointRecord(ctx.deps, {
    org_id: "org_back",
    url: "https://back.test/hook",
    rate_limit: rateLimit,
  });
  for (let i = 0; i < n; i++) {
    const t = taskFor(ep);
    await putMessageOf(ctx.deps, t);
    const parked = {
      status: "skipped" as const,
      attempts: 3,
      lastStatusCode: null,
      lastError: BREAKER_PARKED,
      nextAttemptAt: null,
    };
    await ctx.deps.deliveryStore.write([deliveryEntry(ctx.deps, t, parked)]);
  }
  const delays = () => {
    const byDelay = new Map<number, number>();
    for (const m of ctx.queue.messages("delivery")) {
      const s = Math.round((m.visibleAt - clock) / 1000);
      byDelay.set(s, (byDelay.get(s) ?? 0) + 1);
    }
    return Object.fromEntries(byDelay);
  };
  return { ctx, ep, delays };
}

describe("resuming a parked backlog", () => {
  it("re-enqueues page after page in one run, spread at the resume rate", async () => {
    const b = await parkedBacklog(2_500);
    expect(await resumeParked(b.ctx.deps, b.ep.org_id, b.ep.id)).toBe(2_500);
    expect(b.delays()).toEqual({ 0: 1_000, 1: 1_000, 2: 500 });
    expect(b.ctx.scheduler.entries().length).toBe(0); // nothing left: no next run
  }, 60_000);

  it("an endpoint's own rate limit, when lower, paces it", async () => {
    const b = await parkedBacklog(2_100, 100);
    expect(await resumeParked(b.ctx.deps, b.ep.org_id, b.ep.id)).toBe(2_100);
    expect(b.delays()).toEqual({ 0: 1_000, 10: 1_000, 20: 100 });
  }, 60_000);

  it("a run stops at its time budget or at SQS's 15 min of delay; the next starts as its pages arrive", () => {
    const page = { more: true, elapsedMs: 0, sent: 0, perSecond: RESUME_PER_SECOND };
    expect(anotherPage(page)).toBe(true);
    expect(anotherPage({ ...page, more: false })).toBe(false);
    expect(anotherPage({ ...page, elapsedMs: RESUME_RUN_BUDGET_MS })).toBe(false);
    expect(anotherPage({ ...page, sent: 900 * RESUME_PER_SECOND })).toBe(false);
    expect(nextRunAfterSeconds(30_000, 1_000)).toBe(0);
    expect(nextRunAfterSeconds(300_000, 1_000)).toBe(240);
  });

  it("follows the deployment's pace (isolation.resumePerSecond), raised or lowered", async () => {
    const raised = await parkedBacklog(2_500);
    Object.assign(raised.ctx.deps.config.isolation, { resumePerSecond: 2_000 });
    expect(await resumeParked(raised.ctx.deps, raised.ep.org_id, raised.ep.id)).toBe(2_500);
    expect(raised.delays()).toEqual({ 0: 2_000, 1: 500 });
    // Under one a second, a page is one delivery (a page of more would arrive at once).
    const slow = await parkedBacklog(5);
    Object.assign(slow.ctx.deps.config.isolation, { resumePerSecond: 0.5 });
    expect(await resumeParked(slow.ctx.deps, slow.ep.org_id, slow.ep.id)).toBe(5);
    expect(slow.delays()).toEqual({ 0: 1, 2: 1, 4: 1, 6: 1, 8: 1 });
    // Slower than one per SQS's 15 min of delay: one a run, the next when it has arrived.
    const slowest = await parkedBacklog(3);
    Object.assign(slowest.ctx.deps.config.isolation, { resumePerSecond: 0.001 });
    expect(await resumeParked(slowest.ctx.deps, slowest.ep.org_id, slowest.ep.id)).toBe(1);
    expect(slowest.delays()).toEqual({ 0: 1 });
    const [next] = slowest.ctx.scheduler.entries();
    expect(next!.at.getTime() - Date.parse("2026-01-04T00:00:00Z")).toBe(940_000);
    expect(pageSize(1_000, 0.001)).toBe(1);
    expect(pageSize(1_000, 1)).toBe(1_000);
  }, 60_000);
});
