/**
 * The calibration's publisher in the simulation (sim/calibration/publisher.ts): a shape's events
 * go to the ingest queue as bench/burst.ts sends them on the local stack — a, b, a, b …, 10 per
 * SendMessageBatch (each event's organization its group), 4 batches at a time, a paced shape's
 * batch at its time — and each event's delay counts from its batch's send. On the virtual clock.
 */
import { describe, expect, it } from "vitest";
import { burstShape } from "../../bench/burst-shapes.js";
import { publishShape } from "../../sim/calibration/publisher.js";
import { simSpec } from "../../sim/calibration/sim-side.js";
import { World } from "../../sim/world.js";

/** The ingest queue's messages as the SQS model receives them: when, whose, sent when. */
function publish(name: string, until: number) {
  const world = new World({ seed: 1, localMachine: true });
  const got: { t: number; org: string; sentAt: number; groupId?: string }[] = [];
  world.sqs.enqueue = (url, body, _delay, _attributes, fifo) => {
    const { org_id, data } = JSON.parse(body) as { org_id: string; data: { sim: { t: number } } };
    const m = { t: world.engine.t, org: org_id, sentAt: data.sim.t, groupId: fifo?.groupId };
    if (url === "ingest") got.push(m);
    return true;
  };
  publishShape(world, burstShape(name), world.engine.t);
  return world.engine.run(until).then(() => got);
}

describe("sim calibration publisher", () => {
  it("a burst: 20 batches of 10, the tenants interleaved, 4 batches in flight at a time", async () => {
    const got = await publish("burst-healthy", 1_000);
    expect(got).toHaveLength(200);
    expect(got.slice(0, 4).map((m) => m.org)).toEqual(["org_a_0", "org_b_0", "org_a_0", "org_b_0"]);
    // As the benchmark's publishEvents: each event's organization is its MessageGroupId.
    for (const m of got) expect(m.groupId).toBe(m.org);
    // A batch's 10 arrive together, sent when its sender was free: the first 4 at once.
    const batches = Array.from({ length: 20 }, (_, i) => got.slice(i * 10, i * 10 + 10));
    for (const b of batches) expect(new Set(b.map((m) => `${m.t}/${m.sentAt}`)).size).toBe(1);
    expect(batches.slice(0, 4).map((b) => b[0]!.sentAt)).toEqual([0, 0, 0, 0]);
    expect(batches[4]![0]!.sentAt).toBeGreaterThan(0);
    // Each send is a call on the local machine: the model's latency at least.
    for (const b of batches) expect(b[0]!.t).toBeGreaterThan(b[0]!.sentAt);
  });

  it("paced: a batch of 10 (5 per tenant) every half second", async () => {
    const got = await publish("paced", 20_000);
    expect(got).toHaveLength(200);
    const sent = [...new Set(got.map((m) => m.sentAt))];
    expect(sent).toEqual(Array.from({ length: 20 }, (_, i) => i * 500));
    expect(got.filter((m) => m.sentAt === 500 && m.org === "org_a_0")).toHaveLength(5);
  });

  it("the run counts the events the publisher sends (its `events`, the cost per million's divisor)", async () => {
    for (const name of ["burst-healthy", "paced"]) {
      const got = await publish(name, 20_000);
      expect(simSpec(burstShape(name)).arrangedEvents).toBe(got.length);
    }
  });
});
