/**
 * A dead endpoint's cost per hour does not grow with the outage (issue #25, "Recirculation
 * grows with the outage"; aim: requests and re-sends spent on it per hour, last hour ≤ first
 * hour). While its breaker's cooldown fits a re-send's delay (15 min) its tasks go round the
 * queue; beyond it they are parked in the table and one wake-up per cooldown lets a probe
 * through. After it recovers, every event is delivered.
 * The production ingest, delivery and maintenance handlers on in-memory adapters, a clock the
 * test moves.
 */
import { expect, it } from "vitest";
import { createMemoryContext } from "../../core/compose.js";
import {
  createDeliveryHandler,
  createMaintenanceHandler,
  memoryDestination,
} from "../../core/delivery/index.js";
import { createIngestHandler } from "../../core/events/index.js";
import { putEndpointRecord } from "../support/endpoints.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

it("requests and re-sends per hour stay flat through a 5 h outage; everything is delivered after it", async () => {
  let clock = Date.parse("2026-01-01T00:00:00Z");
  let dead = true;
  const requested: number[] = [];
  const delivered = new Set<string>();
  const destination = memoryDestination((req) => {
    requested.push(clock);
    if (!dead) delivered.add(req.headers["webhook-id"]!);
    return { status: dead ? 503 : 200 };
  });
  const ctx = createMemoryContext({
    now: () => new Date(clock),
    destination,
    // Retries far apart (they are not what is measured), so the breaker decides the traffic.
    env: { RETRY_SCHEDULE: "3600", BREAKER_FAILURES: "3", ENDPOINT_CACHE_SECONDS: "0" },
  });
  const ep = await putEndpointRecord(ctx.deps, {
    org_id: "org_dead",
    url: "https://dead.test/hook",
    max_retries: 50,
  });
  const resent: number[] = [];
  const send = ctx.deps.taskQueue.send.bind(ctx.deps.taskQueue);
  ctx.deps.taskQueue.send = async (queue, messages) => {
    if (queue !== "ingest") for (const _ of messages) resent.push(clock);
    return send(queue, messages);
  };
  const ingest = createIngestHandler(ctx.deps);
  const deliver = createDeliveryHandler(ctx.deps, { random: () => 0.5 });
  const maintenance = createMaintenanceHandler(ctx.deps);
  const drain = async () => {
    while ((await ctx.queue.invoke("ingest", ingest)) + (await ctx.queue.invoke("delivery", deliver)) > 0);
  };
  const ids: string[] = [];
  /** One event a minute; the queues and the scheduler run on the clock. */
  const run = async (until: number, publish: boolean) => {
    for (; clock < until; clock += MINUTE) {
      if (publish) {
        const id = `evt_${ids.length}`;
        ids.push(id);
        const body = { org_id: ep.org_id, type: "telephony.complete", id, data: {} };
        await ctx.queue.send("ingest", [{ id, body: JSON.stringify(body) }]);
      }
      for (let t = clock; t < clock + MINUTE; ) {
        await ctx.scheduler.fireDue(new Date(t), maintenance);
        await drain();
        const next = Math.min(
          ctx.queue.nextVisibleAt("delivery") ?? Infinity,
          ctx.scheduler.nextDueAt() ?? Infinity,
        );
        if (next >= clock + MINUTE) break;
        t = clock = Math.max(next, t);
      }
      clock = Math.floor(clock / MINUTE) * MINUTE;
    }
  };

  const start = clock;
  await run(start + 5 * HOUR, true);
  /** Requests to the endpoint plus tasks re-sent for it, in hour `h` of the outage. */
  const perHour = (h: number) => {
    const inHour = (t: number) => t >= start + h * HOUR && t < start + (h + 1) * HOUR;
    return resent.filter(inHour).length + requested.filter(inHour).length;
  };
  const first = perHour(0);
  const last = perHour(4);
  console.info(`requests + re-sends per hour: ${[0, 1, 2, 3, 4].map(perHour).join(", ")}`);
  expect(first).toBeGreaterThan(0);
  expect(last).toBeLessThanOrEqual(first);

  // Recovered: every event is delivered (the wake-up probes, the breaker closes, the rest follow).
  dead = false;
  await run(clock + 3 * HOUR, false);
  expect(delivered.size).toBe(ids.length);
});

it("a wake-up the scheduler refuses does not fail the probe's batch", async () => {
  const clock = Date.parse("2026-01-01T12:00:00Z");
  const destination = memoryDestination(() => ({ status: 503 }));
  const ctx = createMemoryContext({ now: () => new Date(clock), destination });
  ctx.deps.scheduler = {
    ...ctx.scheduler,
    schedule: async () => {
      throw new Error("ThrottlingException: Rate exceeded");
    },
  };
  // Two hours into an outage, half-open: this task probes, and its failure re-arms a 30 min cooldown.
  const ep = await putEndpointRecord(ctx.deps, {
    org_id: "org_wake",
    url: "https://wake.test/hook",
    breaker_open_until: new Date(clock - 1000).toISOString(),
    first_failure_at: new Date(clock - 2 * HOUR).toISOString(),
    consecutive_failures: 50,
  });
  const body = { org_id: ep.org_id, type: "telephony.complete", data: {} };
  await ctx.queue.send("ingest", [{ id: "1", body: JSON.stringify(body) }]);
  await ctx.queue.invoke("ingest", createIngestHandler(ctx.deps));
  const [record] = ctx.queue.receive("delivery", 1);
  const res = await createDeliveryHandler(ctx.deps, { random: () => 0.5 })({ Records: [record!] });
  expect(destination.requests).toHaveLength(1);
  // The attempt is recorded and its retry held: the record did not fail as a whole.
  const msgId = destination.requests[0]!.headers["webhook-id"]!;
  expect(await ctx.deps.deliveryStore.get(ep.org_id, msgId, ep.id)).toMatchObject({
    status: "retrying",
    attempts: 1,
  });
  expect(res.batchItemFailures).toEqual([{ itemIdentifier: record!.messageId }]);
});
