/**
 * A cohort's members wait for a unit each at its own instant (sim/aws/queue-wait.ts,
 * docs/scale.md "Cohorts"): read as one wait, a record that came while the mapping was full
 * made all k members wait (steady-10k seed 2: p99 595 ms at k 4,000 against 490 at k 400).
 */
import { describe, expect, it } from "vitest";
import { BatchTail } from "../../sim/aws/batch-tail.js";
import { MEMBERS, QueueWaits } from "../../sim/aws/queue-wait.js";
import type { SimMessage } from "../../sim/aws/sqs.js";

describe("sim queue waits", () => {
  it("a message visible at s waits until every message visible before it was received", () => {
    const w = new QueueWaits();
    // Visible at 0, 100, 200; the mapping full until 500, then one batch, then another at 600.
    w.received(0, 500, 0, 1_000);
    w.received(100, 500, 0, 1_000);
    w.received(200, 600, 0, 1_000);
    expect(w.waitAt(50)).toBe(450);
    expect(w.waitAt(150)).toBe(350);
    expect(w.waitAt(250)).toBe(350);
    expect(w.waitAt(600)).toBe(0);
    expect(w.waitAt(-10)).toBe(0);
  });

  it("a record's members are spread over the interval before it: only those that came while it waited wait", () => {
    const w = new QueueWaits();
    // The mapping had no free unit from 900 to 1,400; the record, visible at 1,000, waited 400 ms.
    w.received(900, 1_400, 1_000, 2_000);
    w.received(1_000, 1_400, 1_000, 2_000);
    const waits = w.members(1_000, 1_400, 4_000, 1, 2_000);
    expect(waits).toHaveLength(MEMBERS);
    expect(waits[0]).toBe(400);
    // Member 1 at 900 (waited until 1,400), the others earlier, when a unit was free.
    expect(waits.slice(1)).toEqual([500, ...new Array(MEMBERS - 2).fill(0)]);
  });

  it("a member further back than the window and the record's own wait waits the record's wait, not the backlog's", () => {
    // A record of a cohort whose interval is 200 s (dead-endpoint-3d's k of 1,000,000): read over
    // the whole interval, its members reached a backlog that waited 60 s; within the batching
    // window (1 s) and its own wait (0) they wait what it waited.
    const w = new QueueWaits({ oldestVisibleAt: undefined }, 1_000);
    w.received(100_000, 160_000, 100_000, 200_000);
    const members = w.batch([{ k: 1_000_000, readyAt: 250_000 } as SimMessage], 250_000, 1, 200_000);
    expect(members[0]).toEqual(new Array(MEMBERS).fill(0));
    // Unbounded (d9ad69e), the member 140 s back (at 110 s) waited 50 s of that backlog.
    expect(w.members(250_000, 250_000, 1_000_000, 1, 200_000)).toContain(50_000);
  });

  it("min(k, 20) members, at least the batch tail's draws; none spread without k", () => {
    const w = new QueueWaits();
    expect(w.members(0, 10, 3, 1, 100)).toEqual([10, 0, 0]);
    expect(w.members(0, 10, 1, 1, 100)).toEqual([10]);
    expect(w.members(0, 0, 3, 5, 100)).toHaveLength(5);
  });

  it("forgets receives no later question reaches (older than the oldest visible, less one interval)", () => {
    const w = new QueueWaits();
    w.received(0, 500, 0, 100);
    expect(w.waitAt(300)).toBe(200);
    w.received(1_000, 1_000, 700, 100);
    expect(w.waitAt(300)).toBe(0);
  });

  it("the batch tail answers each member with its own draw and its own wait for a unit", () => {
    const tail = new BatchTail(1);
    // Two draws of a real batch (one batch-mate), four members: the other two draw apart.
    tail.open(["a"], 2, [[300, 300, 0, 0]]);
    const answers = [50, 60, 70];
    let drawn = 0;
    // Each member's answer less the record's wait (300) plus its own: relative to the own answer's
    // instant when the receivers subtract the own latency (sim/receivers.ts).
    expect(tail.requested("a", 0, 100, () => answers[drawn++]!)).toEqual([50, 60 - 300, 70 - 300]);
    // The batch's time reads the batch-mate only: the invocation ends with its slowest, 100.
    expect(tail.close(["a"])).toBe(0);
  });
});
