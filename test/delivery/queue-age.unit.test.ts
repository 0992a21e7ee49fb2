/**
 * The retention guard (#25 item 5: "a slow lane that stays behind for 14 days loses messages
 * silently to SQS retention"): a task received after it waited on its queue longer than
 * PARK_AFTER_QUEUED_SECONDS is parked in the table, not tried, and a resume sends it again as
 * a fresh message, which is then delivered. The production delivery and maintenance handlers
 * on in-memory adapters, a clock the test moves.
 */
import { expect, it } from "vitest";
import { createMemoryContext } from "../../core/compose.js";
import { createDeliveryHandler, createMaintenanceHandler } from "../../core/delivery/index.js";
import { QUEUED_TOO_LONG } from "../../core/delivery/policy/queue-age.js";
import { deliveryOf, enqueue, putMessageOf, taskFor } from "../support/deliveries.js";
import { putEndpointRecord } from "../support/endpoints.js";

const DAY = 86_400_000;

/** One task on the delivery queue at the start of a clock the test moves. */
async function queued(org: string) {
  const c = { now: Date.parse("2026-01-01T00:00:00Z") };
  const ctx = createMemoryContext({ now: () => new Date(c.now) });
  const ep = await putEndpointRecord(ctx.deps, { org_id: org, url: `https://${org}.test/hook` });
  const t = taskFor(ep);
  await putMessageOf(ctx.deps, t);
  await enqueue(ctx.deps, t);
  return { c, ctx, t };
}

it("a task that waited on the queue past the guard is parked, then resumed fresh and delivered", async () => {
  const { c, ctx, t } = await queued("org_behind");
  const deliver = createDeliveryHandler(ctx.deps);
  const requests = () => (ctx.destination as { requests: unknown[] }).requests.length;

  c.now += 8 * DAY; // the lane was behind for 8 days: past the guard (7), within SQS's 14
  expect(await ctx.queue.invoke("delivery", deliver)).toBe(1);
  expect(requests()).toBe(0);
  expect(await deliveryOf(ctx.deps, t)).toMatchObject({ status: "skipped", last_error: QUEUED_TOO_LONG });
  expect(ctx.queue.depth("delivery")).toEqual({ visible: 0, inFlight: 0, delayed: 0 });

  c.now += 60_000;
  await ctx.scheduler.fireDue(new Date(c.now), createMaintenanceHandler(ctx.deps));
  const [fresh] = ctx.queue.messages("delivery");
  expect(fresh?.sentAt).toBe(c.now); // a new message: its retention counts from now
  expect(await ctx.queue.invoke("delivery", deliver)).toBe(1);
  expect(requests()).toBe(1);
  expect(await deliveryOf(ctx.deps, t)).toMatchObject({ status: "succeeded" });
});

it("a task within the guard is tried as usual", async () => {
  const { c, ctx, t } = await queued("org_ok");
  c.now += 6 * DAY;
  await ctx.queue.invoke("delivery", createDeliveryHandler(ctx.deps));
  expect(await deliveryOf(ctx.deps, t)).toMatchObject({ status: "succeeded" });
});

it("a task past the guard whose resume the scheduler refuses is tried as usual, not parked", async () => {
  const { c, ctx, t } = await queued("org_refused");
  // The in-memory scheduler cannot fail on demand: this one refuses, as a throttled one would.
  ctx.deps.scheduler = {
    ...ctx.deps.scheduler,
    schedule: async () => {
      throw new Error("ThrottlingException");
    },
  };
  c.now += 8 * DAY;
  await ctx.queue.invoke("delivery", createDeliveryHandler(ctx.deps));
  expect((ctx.destination as { requests: unknown[] }).requests).toHaveLength(1);
  expect(await deliveryOf(ctx.deps, t)).toMatchObject({ status: "succeeded" });
});

/*
 * Two copies of one task on the queues at once (the simulation's retention-guard scenario: a
 * task answered 2xx twice about an hour apart, around a park and its resume). The guard's park
 * is a `skipped` item in the parked index, and a later success is a newer item that does not
 * take the skipped one out of it: neither order of park and success may send the task again.
 */
type Queued = Awaited<ReturnType<typeof queued>>;

/** A minute on: the resumes due run, and what they sent is received. */
async function resumed(c: Queued["c"], ctx: Queued["ctx"]) {
  c.now += 60_000;
  await ctx.scheduler.fireDue(new Date(c.now), createMaintenanceHandler(ctx.deps));
  await ctx.queue.invoke("delivery", createDeliveryHandler(ctx.deps));
  return ctx;
}

/** One request in all, the delivery succeeded, nothing left on the queue. */
async function expectDeliveredOnceAfterResume(ctx: Queued["ctx"], t: Queued["t"]) {
  expect((ctx.destination as { requests: unknown[] }).requests).toHaveLength(1);
  expect(await deliveryOf(ctx.deps, t)).toMatchObject({ status: "succeeded" });
  expect(ctx.queue.depth("delivery")).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
}

it("a copy past the guard of a task already delivered is dropped, not parked and resumed again", async () => {
  const { c, ctx, t } = await queued("org_copy_after");
  const deliver = createDeliveryHandler(ctx.deps);
  expect(await ctx.queue.invoke("delivery", deliver)).toBe(1);
  expect(await deliveryOf(ctx.deps, t)).toMatchObject({ status: "succeeded" });

  await enqueue(ctx.deps, t); // a second copy, received only once the guard's age has passed
  c.now += 8 * DAY;
  expect(await ctx.queue.invoke("delivery", deliver)).toBe(1);
  expect(await deliveryOf(ctx.deps, t)).toMatchObject({ status: "succeeded" });
  await expectDeliveredOnceAfterResume(await resumed(c, ctx), t);
});

it("a task parked by the guard and then delivered by another copy is not resumed again", async () => {
  const { c, ctx, t } = await queued("org_copy_before");
  const deliver = createDeliveryHandler(ctx.deps);
  c.now += 8 * DAY;
  expect(await ctx.queue.invoke("delivery", deliver)).toBe(1);
  expect(await deliveryOf(ctx.deps, t)).toMatchObject({ status: "skipped", last_error: QUEUED_TOO_LONG });

  await enqueue(ctx.deps, t); // another copy, fresh: delivered before the resume runs
  expect(await ctx.queue.invoke("delivery", deliver)).toBe(1);
  expect(await deliveryOf(ctx.deps, t)).toMatchObject({ status: "succeeded" });
  await expectDeliveredOnceAfterResume(await resumed(c, ctx), t);
});
