/**
 * The simulation's event source mapping (sim/aws/lambda.ts) under cohorts: an invocation that
 * stands for more concurrent invocations than are free takes the free units and lasts longer,
 * so a saturated mapping keeps its throughput and never passes its maximum concurrency. It
 * used to take every unit it stood for *and* last longer: the hot-tenant scenario's delivery
 * mapping then fell behind at a load it carries (others' p95 351 ms -> 43 s).
 */
import { describe, expect, it } from "vitest";
import { Account, EventSourceMapping } from "../../sim/aws/lambda.js";
import { Meter } from "../../sim/aws/meter.js";
import { SimQueue } from "../../sim/aws/sqs.js";
import { Engine } from "../../sim/engine.js";

const HANDLER_MS = 100;
/** The model's fixed cost of an invocation (sim/aws/lambda.ts INVOKE_OVERHEAD_MS). */
const OVERHEAD_MS = 15;

describe("sim Lambda event source mapping", () => {
  it("a cohort needing more units than are free holds only those, for longer: throughput and maximum kept", async () => {
    const engine = new Engine(1);
    const meter = new Meter(engine, { ofOrg: () => 100, rateOf: () => 1, shardsOf: () => 16 });
    const settings = { visibilityTimeoutSeconds: 60, retentionSeconds: 86_400, maxReceiveCount: 5 };
    const queue = new SimQueue("q", settings, engine, meter);
    // 20 messages standing for 100 real ones each: 10 concurrent invocations each, 200 in all,
    // on a mapping allowed 15: the second invocation finds 5 free.
    for (let i = 0; i < 20; i++) queue.put({ id: `m${i}`, body: "{}", k: 100, sentAt: 0 }, 0);
    const mappingSettings = {
      batchSize: 10,
      batchWindowSeconds: 0,
      maxConcurrency: 15,
      warm: true,
      timeoutSeconds: 900,
      memoryMb: 1024,
    };
    new EventSourceMapping("fn", engine, meter, new Account(), queue, mappingSettings, () => async () => {
      await engine.sleep(HANDLER_MS);
      return { batchItemFailures: [] };
    });

    // The work is 200 units × 115 ms; at 15 units it takes at least 1.53 s.
    await engine.run(10_000);
    expect(queue.stored).toBe(0);
    expect(meter.maxima.get("concurrency:fn")).toBeLessThanOrEqual(15);
    // Units × duration billed is the work done, however the units were found.
    const gbSeconds = (200 * (HANDLER_MS + OVERHEAD_MS)) / 1000;
    expect(meter.get("lambda_gb_seconds")).toBeCloseTo(gbSeconds, 6);
  });
});
