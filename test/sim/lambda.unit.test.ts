/**
 * The simulation's event source mapping (sim/aws/lambda.ts) under cohorts: an invocation that
 * stands for more concurrent invocations than are free takes the free units and lasts longer,
 * so a saturated mapping keeps its throughput and never passes its maximum concurrency. It
 * used to take every unit it stood for *and* last longer: the hot-tenant scenario's delivery
 * mapping then fell behind at a load it carries (others' p95 351 ms -> 43 s). The records'
 * outcome is the real invocation's, at its real end: applied at the end of the longer time, a
 * large cohort's batch outlived its visibility timeout, came back and was delivered again
 * (dead-endpoint-3d's 42 M duplicates). A cohort's invocations start over the cohort interval,
 * as its real messages arrive: taken at once, they made a mapping's use lumpy as k grew
 * (steady-10k's records waited for units at k 4,000 and not at k 400).
 */
import { describe, expect, it } from "vitest";
import { Account, EventSourceMapping } from "../../sim/aws/lambda.js";
import { Meter } from "../../sim/aws/meter.js";
import { SimQueue } from "../../sim/aws/sqs.js";
import { Engine } from "../../sim/engine.js";
import { simQueue } from "../support/sim-queue.js";

const HANDLER_MS = 100;
/** The model's fixed cost of an invocation (sim/aws/lambda.ts INVOKE_OVERHEAD_MS). */
const OVERHEAD_MS = 15;

/** A mapping already scaled up to `maxConcurrency` units, batches of 10, no window. */
const warm = (maxConcurrency: number) => ({
  batchSize: 10,
  batchWindowSeconds: 0,
  maxConcurrency,
  warm: true,
  timeoutSeconds: 900,
  memoryMb: 1024,
});

/** Its function: each invocation takes HANDLER_MS and succeeds. */
const sleeps = (engine: Engine) => () => async () => {
  await engine.sleep(HANDLER_MS);
  return { batchItemFailures: [] };
};

describe("sim Lambda event source mapping", () => {
  it("a cohort needing more units than are free holds only those, for longer: throughput and maximum kept", async () => {
    const engine = new Engine(1);
    const meter = new Meter(engine, { ofOrg: () => 100, rateOf: () => 1, shardsOf: () => 16 });
    const settings = { visibilityTimeoutSeconds: 60, retentionSeconds: 86_400, maxReceiveCount: 5 };
    const queue = new SimQueue("q", settings, engine, meter);
    // 20 messages standing for 100 real ones each: 10 concurrent invocations each, 200 in all,
    // on a mapping allowed 15: the second invocation finds 5 free.
    for (let i = 0; i < 20; i++) queue.put({ id: `m${i}`, body: "{}", k: 100, sentAt: 0 }, 0);
    new EventSourceMapping("fn", engine, meter, new Account(), queue, warm(15), sleeps(engine));

    // The work is 200 units × 115 ms; at 15 units it takes at least 1.53 s.
    await engine.run(10_000);
    expect(queue.stored).toBe(0);
    expect(meter.maxima.get("concurrency:fn")).toBeLessThanOrEqual(15);
    // Units × duration billed is the work done, however the units were found.
    const gbSeconds = (200 * (HANDLER_MS + OVERHEAD_MS)) / 1000;
    expect(meter.get("lambda_gb_seconds")).toBeCloseTo(gbSeconds, 6);
  });

  it("a cohort larger than the free units is done at one real invocation's end, not received again", async () => {
    // 1,000,000 real messages: 100,000 invocations' work on 10 units, 10,000 × 115 ms = 1,150 s,
    // far past the 60 s visibility timeout.
    const { engine, meter, queue, calls } = bigCohortThenOne(0);
    await engine.run(500);
    // Deleted when the real invocation ended: never back after its visibility timeout.
    expect(queue.stored).toBe(10);
    await engine.run(2_000_000);
    expect(calls.map((c) => c.id)).toEqual(["big", "next"]);
    // The mapping's 10 units carried the cohort's work first: its throughput is kept.
    const work = (100_000 * (HANDLER_MS + OVERHEAD_MS)) / 10;
    expect(calls[1]!.at).toBeGreaterThanOrEqual(work);
    expect(meter.maxima.get("concurrency:fn")).toBeLessThanOrEqual(10);
    expect(meter.get("lambda_gb_seconds")).toBeCloseTo((100_001 * (HANDLER_MS + OVERHEAD_MS)) / 1000, 6);
  });

  it("the rest of a cohort's work is spread over the cohort interval: a message behind it is not held up", async () => {
    // Cohorts 2,000 s apart: the cohort's 100,000 invocations × 115 ms take 5.75 units for that long.
    const { engine, meter, calls } = bigCohortThenOne(2_000_000);
    await engine.run(3_000_000);
    // Each invocation starts after the model's fixed overhead.
    expect(calls).toEqual([
      { id: "big", at: OVERHEAD_MS },
      { id: "next", at: 1_000 + OVERHEAD_MS },
    ]);
    expect(meter.maxima.get("concurrency:fn")).toBeLessThanOrEqual(10);
    expect(meter.get("lambda_gb_seconds")).toBeCloseTo((100_001 * (HANDLER_MS + OVERHEAD_MS)) / 1000, 6);
  });

  it("a cohort's invocations are spread over the cohort interval: a stream of cohorts holds its mean concurrency, not blocks of k", async () => {
    // A cohort of 1,000 every second (the interval) stands for 100 invocations × 115 ms a
    // second: 11.5 units at a time. Taking its 100 units at once, each cohort held them all.
    const { engine, meter, queue } = simQueue(1_000);
    for (let i = 0; i < 20; i++) queue.put({ id: `c${i}`, body: "{}", k: 1_000, sentAt: 0 }, i * 1_000);
    new EventSourceMapping("fn", engine, meter, new Account(), queue, warm(200), sleeps(engine));
    await engine.run(60_000);
    expect(queue.stored).toBe(0);
    expect(meter.maxima.get("concurrency:fn")).toBeLessThanOrEqual(2 * 11.5);
    expect(meter.get("lambda_gb_seconds")).toBeCloseTo((20 * 100 * (HANDLER_MS + OVERHEAD_MS)) / 1000, 6);
  });

  it("a backlog of cohorts needing more units than the mapping has counts in flight what its units hold, not k·w / interval", async () => {
    // Cohorts of 10,000 stand for 1,000 invocations × 115 ms each: 115 units over the 1 s
    // interval, on a mapping of 10. On AWS its pollers read only what 10 units invoke: 10
    // batches of 10 real messages in flight at a time, the rest visible. Counted k for the
    // 115 ms of its first invocation, a cohort read 1,150 (dead-endpoint-3d after recovery:
    // 61,744 in flight on a delivery mapping that holds 847 batches of 20).
    const { engine, meter, queue } = simQueue(1_000);
    // One message first, so the mapping knows an invocation's time.
    queue.put({ id: "first", body: "{}", k: 1, sentAt: 0 }, 0);
    for (let i = 0; i < 3; i++) queue.put({ id: `c${i}`, body: "{}", k: 10_000, sentAt: 0 }, 1_000);
    new EventSourceMapping("fn", engine, meter, new Account(), queue, warm(10), sleeps(engine));
    await engine.run(60_000);
    expect(queue.stored).toBe(0);
    expect(meter.maxima.get("in_flight_instant:q")).toBe(10_000);
    const held = 10 * 10;
    expect(meter.maxima.get("in_flight:q")).toBeGreaterThan(0.9 * held);
    expect(meter.maxima.get("in_flight:q")).toBeLessThanOrEqual(held + 1e-6);
    expect(Math.abs(queue.inFlight)).toBeLessThan(1e-6);
  });

  it("invocations outlasting the time their units were sized on count in processing no more than the units hold", async () => {
    // Units are sized on the invocations' time so far (115 ms here); these take 5 s. Cohorts of
    // 1,000 a second stand for 100 invocations each, 500 units at a time at 5 s: the mapping has
    // 40, whose batches of 10 hold at most 400 real messages. Counted k for 5 s, the cohorts
    // read 3,478 (flapping --k 0.5 at full span: 74,381 in flight, 50,672 of it in processing,
    // on a delivery mapping that holds 847 batches of 20, 16,940).
    const { engine, meter, queue } = simQueue(1_000);
    queue.put({ id: "first", body: "{}", k: 1, sentAt: 0 }, 0);
    for (let i = 0; i < 10; i++) queue.put({ id: `c${i}`, body: "{}", k: 1_000, sentAt: 0 }, 1_000 * (i + 1));
    new EventSourceMapping("fn", engine, meter, new Account(), queue, warm(40), () => async (event) => {
      await engine.sleep(event.Records[0]!.messageId === "first" ? HANDLER_MS : 5_000);
      return { batchItemFailures: [] };
    });
    await engine.run(120_000);
    expect(queue.stored).toBe(0);
    expect(meter.maxima.get("in_flight_instant:q")).toBeGreaterThanOrEqual(4_000);
    // 3,478 before: the units' 400 is the bound, reached.
    expect(meter.maxima.get("in_flight:q")).toBeGreaterThan(0.9 * 40 * 10);
    expect(meter.maxima.get("in_flight:q")).toBeLessThanOrEqual(40 * 10 + 1e-6);
    expect(Math.abs(queue.inFlight)).toBeLessThan(1e-6);
  });

  it("local pollers: one not running nor polling again takes a put at once, though Lambda's model scaled the mapping down", async () => {
    // The calibration's local pollers (sim/calibration/local-machine.ts) are always all there;
    // 7 of 8 polling again after an empty wake leave one waiting. Lambda's idle scale-down (to 5
    // units) is not a count of waiting pollers: subtracted from it, the put waited for them.
    const engine = new Engine(1);
    const meter = new Meter(engine, { ofOrg: () => 100, rateOf: () => 1, shardsOf: () => 16 });
    const settings = { visibilityTimeoutSeconds: 60, retentionSeconds: 86_400, maxReceiveCount: 5 };
    const queue = new SimQueue("q", settings, engine, meter);
    const started: number[] = [];
    const localReceive = { max: 10, repolling: () => 7 };
    const handler = () => async () => {
      started.push(engine.t);
      return { batchItemFailures: [] };
    };
    const mapping = { ...warm(8), invokeOverheadMs: 0, localReceive };
    new EventSourceMapping("fn", engine, meter, new Account(), queue, mapping, handler);
    await engine.run(2_000);
    queue.put({ id: "m", body: "{}", k: 1, sentAt: 2_000 }, 0);
    await engine.run(3_000);
    expect(started).toEqual([2_000]);
  });
});

/**
 * A cohort of 1,000,000 at 0 and a message of 10 at 1 s on a warm mapping of 10 units, cohorts
 * `intervalMs` apart (0: no interval); `calls` records when the handler saw each record.
 */
function bigCohortThenOne(intervalMs: number) {
  const { engine, meter, queue } = simQueue(intervalMs);
  queue.put({ id: "big", body: "{}", k: 1_000_000, sentAt: 0 }, 0);
  queue.put({ id: "next", body: "{}", k: 10, sentAt: 0 }, 1_000);
  const calls: { id: string; at: number }[] = [];
  new EventSourceMapping("fn", engine, meter, new Account(), queue, warm(10), () => async (event) => {
    for (const r of event.Records) calls.push({ id: r.messageId, at: engine.t });
    await engine.sleep(HANDLER_MS);
    return { batchItemFailures: [] };
  });
  return { engine, meter, queue, calls };
}
