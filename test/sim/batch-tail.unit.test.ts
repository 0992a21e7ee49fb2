/**
 * A cohort's delivery batch lasts as long as the full real batches it stands for
 * (sim/aws/batch-tail.ts, sim/aws/lambda.ts): a real invocation sends its ten records at once and
 * ends after the slowest, so one simulated record standing for k real ones draws its nine real
 * batch-mates' answers too. Without them a cohort's batch took one record's time, and
 * steady-10k's delivery lane carried 2.2 times what it would (p95 685 ms at k 4,000 against
 * 5,013 ms at k 400, its backlog growing).
 */
import { describe, expect, it } from "vitest";
import { BatchTail } from "../../sim/aws/batch-tail.js";
import { Account, EventSourceMapping, type Tail } from "../../sim/aws/lambda.js";
import { simQueue } from "../support/sim-queue.js";

/** The model's fixed cost of an invocation (sim/aws/lambda.ts INVOKE_OVERHEAD_MS). */
const OVERHEAD_MS = 15;

describe("sim batch tail", () => {
  it("a record of a real batch of 10 draws 9 more answers; the batch waits for the slowest after its own", () => {
    const tail = new BatchTail(1);
    const answers = [50, 300, 20, 20, 20, 20, 20, 20, 20];
    let drawn = 0;
    tail.open(["a"], 10);
    // The batch-mates' answers are returned: the delays of the cohort's other members (sim/stats.ts).
    expect(tail.requested("a", 0, 100, () => answers[drawn++]!)).toEqual(answers);
    expect(drawn).toBe(9);
    expect(tail.close(["a"])).toBe(200);
    // Forgotten once closed: a record not opened draws nothing and adds nothing.
    tail.requested("a", 0, 100, () => answers[drawn++]!);
    expect(drawn).toBe(9);
    expect(tail.close(["a"])).toBe(0);
  });

  it("a request that never answers adds nothing (the sender's deadline is waited for anyway)", () => {
    const tail = new BatchTail(1);
    tail.open(["a", "b"], 5);
    tail.requested("a", 0, Number.POSITIVE_INFINITY, () => 10_000);
    expect(tail.requested("b", 0, 80, () => Number.POSITIVE_INFINITY)).toEqual([]);
    expect(tail.close(["a", "b"])).toBe(0);
  });

  it("one record of k = 10 holds its unit as long as ten records of k = 1 in one batch", async () => {
    // The receiver answers 10, 20, … 100 ms in turn, whoever asks: the real batch's answers.
    const ten = await run([{ id: "r", k: 10 }]);
    const ones = await run(Array.from({ length: 10 }, (_, i) => ({ id: `r${i}`, k: 1 })));
    expect(ten.gbSeconds).toBeCloseTo((100 + OVERHEAD_MS) / 1000, 9);
    expect(ones.gbSeconds).toBeCloseTo(ten.gbSeconds, 9);
    // The record's fate is applied at the batch's end, the slowest answer's.
    expect(ten.deletedAt).toBe(ones.deletedAt);
  });

  it("a cohort of 1,000 uses 100 real invocations of a full batch's time", async () => {
    const big = await run([{ id: "r", k: 1_000 }]);
    expect(big.gbSeconds).toBeCloseTo((100 * (100 + OVERHEAD_MS)) / 1000, 9);
  });
});

/** One batch of `records` on a warm mapping of 200 units, with a tail keyed by message id. */
async function run(records: { id: string; k: number }[]) {
  const { engine, meter, queue } = simQueue(0);
  for (const r of records) queue.put({ id: r.id, body: "{}", k: r.k, sentAt: 0 }, 0);
  const batchTail = new BatchTail(1);
  const keys = (batch: { id: string }[]) => batch.map((m) => m.id);
  const tail: Tail = {
    open: (batch, draws) => batchTail.open(keys(batch), draws),
    close: (batch) => batchTail.close(keys(batch)),
  };
  let answer = 0;
  const next = () => 10 * ((answer++ % 10) + 1);
  const settings = {
    batchSize: 10,
    batchWindowSeconds: 0,
    maxConcurrency: 200,
    warm: true,
    timeoutSeconds: 900,
    memoryMb: 1024,
    tail,
  };
  const handler = () => async (event: { Records: { messageId: string }[] }) => {
    await Promise.all(
      event.Records.map((r) => {
        const own = next();
        batchTail.requested(r.messageId, engine.t, own, next);
        return engine.sleep(own);
      }),
    );
    return { batchItemFailures: [] };
  };
  new EventSourceMapping("fn", engine, meter, new Account(), queue, settings, handler);
  let deletedAt = -1;
  engine.at(0, function poll() {
    if (queue.stored === 0 && deletedAt < 0) deletedAt = engine.t;
    else if (deletedAt < 0) engine.after(1, poll);
  });
  await engine.run(10_000);
  return { gbSeconds: meter.get("lambda_gb_seconds"), deletedAt };
}
