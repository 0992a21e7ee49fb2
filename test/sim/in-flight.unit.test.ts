/**
 * In flight under cohorts (sim/aws/in-flight.ts): a simulated message of k real ones in
 * flight for a moment stands for k real messages spread over the cohort interval, each in
 * flight that moment, not k at once. The queue's cap and the reported figure read the average
 * over the interval; the instantaneous sum stays as an upper bound.
 */
import { describe, expect, it } from "vitest";
import { SQS_IN_FLIGHT_CAP } from "../../sim/aws/sqs.js";
import { simQueue as queueWith } from "../support/sim-queue.js";

const INTERVAL_MS = 200_000;

describe("sim SQS in flight under cohorts", () => {
  it("a cohort of 1,000,000 in flight 5 s of a 200 s interval counts 25,000, and the cap stays open", async () => {
    const { engine, meter, queue } = queueWith(INTERVAL_MS);
    // Cohorts of 1,000,000 one interval apart (5,000 real messages a second), each waiting 5 s.
    for (let i = 0; i < 5; i++)
      queue.put({ id: `c${i}`, body: "{}", k: 1_000_000, sentAt: 0 }, i * INTERVAL_MS);
    queue.put({ id: "other", body: "{}", k: 1, sentAt: 0 }, 2 * INTERVAL_MS + 1_000);
    const received: string[] = [];
    const poll = () => {
      for (const m of queue.receive(10)) {
        received.push(m.id);
        engine.after(5_000, () => queue.delete(m.handle));
      }
    };
    queue.onVisible = () => poll();
    await engine.run(6 * INTERVAL_MS);
    // Received while a cohort of 1,000,000 was in flight: the cap reads the real 25,000.
    expect(received).toContain("other");
    expect(meter.maxima.get("in_flight_instant:q")).toBe(1_000_001);
    const average = meter.maxima.get("in_flight:q")!;
    expect(average).toBeGreaterThanOrEqual(25_000);
    expect(average).toBeLessThanOrEqual(25_001);
    expect(queue.inFlight).toBe(0);
  });

  it("without cohorts (interval 0) the figure is the instantaneous count, and the cap holds", async () => {
    const { engine, meter, queue } = queueWith(0);
    queue.put({ id: "a", body: "{}", k: SQS_IN_FLIGHT_CAP, sentAt: 0 }, 0);
    queue.put({ id: "b", body: "{}", k: 1, sentAt: 0 }, 0);
    await engine.run(1);
    expect(queue.receive(1).map((m) => m.id)).toEqual(["a"]);
    expect(queue.receive(1)).toEqual([]);
    expect(queue.inFlight).toBe(SQS_IN_FLIGHT_CAP);
    expect(meter.maxima.get("in_flight:q")).toBe(SQS_IN_FLIGHT_CAP);
  });
});
