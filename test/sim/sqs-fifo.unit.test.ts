/**
 * The FIFO queue model (sim/aws/sqs-fifo.ts) against the SQS behaviours it cites: a group's
 * messages in the order sent, none while one of the group is in flight, several of one group in
 * one receive, deduplication within 5 minutes, no per-message delay, and the transactions per
 * second of one API action.
 */
import { describe, expect, it } from "vitest";
import { Meter } from "../../sim/aws/meter.js";
import { FIFO_TPS, FifoQueue } from "../../sim/aws/sqs-fifo.js";
import { Engine } from "../../sim/engine.js";

function fifo(highThroughput = true) {
  const engine = new Engine(1);
  const meter = new Meter(engine, { ofOrg: () => 1, rateOf: () => 1, shardsOf: () => 16 });
  const settings = { visibilityTimeoutSeconds: 30, retentionSeconds: 86_400, maxReceiveCount: 5 };
  const q = new FifoQueue("q.fifo", { ...settings, highThroughput }, engine, meter);
  let n = 0;
  const put = (groupId: string, dedupId?: string) =>
    q.put({ id: `m${++n}`, body: `${groupId}:${n}`, k: 1, sentAt: engine.t, groupId, dedupId }, 0);
  return { engine, meter, q, put };
}
const bodies = (ms: { body: string }[]) => ms.map((m) => m.body);

describe("the FIFO queue model", () => {
  it("hands a group's messages in order and none of it while one is in flight", async () => {
    const { engine, q, put } = fifo();
    for (const g of ["a", "a", "b", "a"]) put(g);
    // One receive: as many of a group as it can, in order, and the other group's too.
    const first = q.receive(2);
    expect(bodies(first)).toEqual(["a:1", "a:2"]);
    const b = q.receive(10);
    expect(bodies(b)).toEqual(["b:3"]);
    expect(q.delete(b[0]!.handle)).toBe(true);
    // a:4 waits: a:1 and a:2 are in flight.
    expect(q.receive(10)).toEqual([]);
    // a:2 back at once (a batch's unprocessed record) while a:1 is held: still nothing of a.
    expect(q.changeVisibility(first[1]!.handle, 0)).toBe(true);
    expect(q.receive(10)).toEqual([]);
    // The head held 60 s on its own message: the group waits, then the head comes back first.
    expect(q.changeVisibility(first[0]!.handle, 60)).toBe(true);
    await engine.run(59_000);
    expect(q.receive(10)).toEqual([]);
    await engine.run(60_000);
    const again = q.receive(10);
    expect(bodies(again)).toEqual(["a:1", "a:2", "a:4"]);
    expect(again[0]!.receiveCount).toBe(2);
    // Deleting the head alone leaves the group locked by the two others in flight.
    q.delete(again[0]!.handle);
    put("a");
    expect(q.receive(10)).toEqual([]);
    for (const m of again.slice(1)) q.delete(m.handle);
    expect(bodies(q.receive(10))).toEqual(["a:5"]);
  });

  it("drops a deduplication id sent again within 5 minutes and refuses a per-message delay", async () => {
    const { engine, q, put } = fifo();
    expect(put("a", "x")).toBe(true);
    expect(put("a", "x")).toBe(true);
    expect(q.stored).toBe(1);
    await engine.run(5 * 60_000);
    expect(put("a", "x")).toBe(true);
    expect(q.stored).toBe(2);
    expect(q.put({ id: "d", body: "d", k: 1, sentAt: 0, groupId: "a" }, 1000)).toBe(false);
    expect(q.put({ id: "n", body: "n", k: 1, sentAt: 0 }, 0)).toBe(false);
  });

  it("throttles an API action over its transactions per second", () => {
    for (const high of [false, true]) {
      const { q } = fifo(high);
      const limit = high ? FIFO_TPS.highThroughput : FIFO_TPS.standard;
      let admitted = 0;
      for (let i = 0; i < limit + 5; i++) if (q.admit("send")) admitted++;
      expect(admitted).toBe(limit);
      // Another action has its own quota.
      expect(q.admit("delete")).toBe(true);
    }
  });
});
