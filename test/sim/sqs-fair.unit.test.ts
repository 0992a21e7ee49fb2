/**
 * The standard queue model's fair-queue order (sim/aws/sqs-fair.ts, used by sim/aws/sqs.ts)
 * against the rules it cites from "How Amazon SQS fair queues work": a tenant (MessageGroupId)
 * holding more than 10 % of the messages in flight and at least 30 of its own is noisy; a quiet
 * tenant's visible message is received before any noisy one's; noisy messages still come when
 * nothing else waits, the noisy tenant with the fewest in flight first; a tenant is quiet again
 * when its backlog is drained or after 5 minutes without a send. Without a group a queue keeps
 * its order by visible time.
 */
import { describe, expect, it } from "vitest";
import { Meter } from "../../sim/aws/meter.js";
import { SimQueue } from "../../sim/aws/sqs.js";
import { FAIR_QUIET_AFTER_MS } from "../../sim/aws/sqs-fair.js";
import { Engine } from "../../sim/engine.js";

function queue() {
  const engine = new Engine(1);
  const meter = new Meter(engine, { ofOrg: () => 1, rateOf: () => 1, shardsOf: () => 16 });
  const settings = { visibilityTimeoutSeconds: 3_600, retentionSeconds: 86_400, maxReceiveCount: 5 };
  const q = new SimQueue("q", settings, engine, meter);
  let n = 0;
  const put = (groupId?: string, times = 1) => {
    for (let i = 0; i < times; i++) {
      q.put({ id: `m${++n}`, body: `${groupId ?? "-"}:${n}`, k: 1, sentAt: engine.t, groupId }, 0);
    }
  };
  // Messages become visible through the engine (their delay of 0 ends now).
  const settle = () => engine.run(engine.t);
  return { engine, q, put, settle };
}
const tenants = (ms: { body: string }[]) => ms.map((m) => m.body.split(":")[0]);

describe("the standard queue model's fair queues", () => {
  it("without groups, receives by visible time", async () => {
    const { q, put, settle } = queue();
    put(undefined, 3);
    await settle();
    expect(q.receive(10).map((m) => m.body)).toEqual(["-:1", "-:2", "-:3"]);
  });

  it("a noisy tenant's backlog waits while a quiet tenant's messages are visible", async () => {
    const { q, put, settle } = queue();
    // 40 of tenant a in flight, 5 of b: a holds > 10 % and ≥ 30.
    put("a", 40);
    put("b", 5);
    await settle();
    expect(q.receive(45)).toHaveLength(45);
    // a's backlog is older than b's and c's new messages; they are received first.
    put("a", 20);
    await settle();
    put("b", 2);
    put("c", 2);
    await settle();
    expect(tenants(q.receive(6))).toEqual(["b", "b", "c", "c", "a", "a"]);
  });

  it("is not noisy under 30 in flight, nor at 10 % or less of those in flight", async () => {
    /** The order of an `a` then a `b` message sent after these messages went in flight. */
    const orderAfter = async (inFlight: [string, number][]) => {
      const { q, put, settle } = queue();
      for (const [g, n] of inFlight) put(g, n);
      await settle();
      q.receive(1_000);
      put("a");
      await settle();
      put("b");
      await settle();
      return tenants(q.receive(2));
    };
    // 29 in flight: a's older message comes first.
    expect(await orderAfter([["a", 29]])).toEqual(["a", "b"]);
    // 30 of a among 300 in flight (10 %): not noisy either; 31 among 300 is.
    expect(
      await orderAfter([
        ["a", 30],
        ["x", 270],
      ]),
    ).toEqual(["a", "b"]);
    expect(
      await orderAfter([
        ["a", 31],
        ["x", 269],
      ]),
    ).toEqual(["b", "a"]);
  });

  it("serves noisy tenants when no quiet message waits, the one with fewest in flight first", async () => {
    const { q, put, settle } = queue();
    put("a", 60);
    put("b", 40);
    await settle();
    q.receive(100);
    put("a", 2);
    await settle();
    put("b", 2);
    await settle();
    expect(tenants(q.receive(4))).toEqual(["b", "b", "a", "a"]);
  });

  it("a tenant is quiet again once its backlog is drained, or after 5 minutes without a send", async () => {
    const { q, put, settle } = queue();
    put("a", 40);
    await settle();
    const handled = q.receive(40);
    put("a");
    await settle();
    put("b");
    await settle();
    expect(tenants(q.receive(2))).toEqual(["b", "a"]);
    // Its backlog drained and its messages handled, a's next message is served by age again.
    for (const m of handled) q.delete(m.handle);
    put("a");
    await settle();
    put("b");
    await settle();
    expect(tenants(q.receive(2))).toEqual(["a", "b"]);

    const other = queue();
    other.put("a", 40);
    await other.settle();
    expect(other.q.receive(40)).toHaveLength(40);
    other.put("a");
    await other.settle();
    other.put("b");
    await other.settle();
    expect(tenants(other.q.receive(1))).toEqual(["b"]);
    // Still 40 in flight, but 5 minutes without a send from a: its waiting message by age.
    await other.engine.run(other.engine.t + FAIR_QUIET_AFTER_MS + 1);
    other.put("b");
    await other.settle();
    expect(tenants(other.q.receive(2))).toEqual(["a", "b"]);
  });
});
