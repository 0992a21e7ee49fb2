/**
 * The simulation's DynamoDB (sim/aws/dynamodb.ts) throttles a partition key at its limit:
 * offered twice its 1,000 WCU/s (or 3,000 RCU/s), a key is served exactly its limit in every
 * second and the rest is throttled, retried by the SDK model (3 attempts) and then thrown.
 * It used to serve a key ~1.75x its limit: a write was refused with the probability of the
 * share of the load *served so far in the second* above the limit, so served writes kept
 * raising the bar (served² ≈ 2,000 × offered − 10⁶).
 */
import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { keys } from "../../core/store/keys.js";
import { DynamoModel } from "../../sim/aws/dynamodb.js";
import { Meter, PARTITION_RCU_PER_S, PARTITION_WCU_PER_S } from "../../sim/aws/meter.js";
import { Engine } from "../../sim/engine.js";

const TABLE = "hookrelay";

/** A model whose organizations' calls each stand for `k` real ones at `rate`/s (1: no cohort). */
function model(k = 1, rate = 1) {
  const engine = new Engine(1);
  const meter = new Meter(engine, { ofOrg: () => k, rateOf: () => rate, shardsOf: () => 16 });
  return { engine, meter, db: new DynamoModel(engine, meter) };
}

interface Outcome {
  /** The second the call was made in, from the offer's start. */
  offered: number;
  /** The second it was served in, or undefined when it threw. */
  served?: number;
  /** Virtual ms from the call to its answer. */
  ms: number;
  error?: string;
}

/**
 * Offers `perSecond` calls (made by `call(i)`) in each of `seconds` seconds, evenly spaced
 * from the clock's next whole second, and runs the clock until every call has answered.
 */
async function offer(
  { engine, db }: ReturnType<typeof model>,
  perSecond: number,
  seconds: number,
  call: (i: number) => { input: unknown; constructor: { name: string } },
): Promise<Outcome[]> {
  const t0 = Math.ceil(engine.t / 1000) * 1000;
  const second = () => Math.floor((engine.t - t0) / 1000);
  const outcomes: Promise<Outcome>[] = [];
  for (let i = 0; i < perSecond * seconds; i++) {
    const at = t0 + (i * 1000) / perSecond;
    outcomes.push(
      new Promise((resolve) =>
        engine.at(at, () => {
          const offered = second();
          db.send(call(i)).then(
            () => resolve({ offered, served: second(), ms: engine.t - at }),
            (err: Error) => resolve({ offered, error: err.name, ms: engine.t - at }),
          );
        }),
      ),
    );
  }
  return engine.settle(Promise.all(outcomes));
}

/** Calls served in each second from 0 to `seconds` - 1. */
const servedPerSecond = (outcomes: Outcome[], seconds: number) =>
  Array.from({ length: seconds }, (_, s) => outcomes.filter((o) => o.served === s).length);

/** A put of a small item (1 WCU) on `pk`. */
const put = (pk: string, i: number, extra: Record<string, unknown> = {}) =>
  new PutCommand({ TableName: TABLE, Item: { pk, sk: `ITEM#${i}`, n: i, ...extra } });

const batch = (pk: string, from: number, n: number) =>
  new BatchWriteCommand({
    RequestItems: {
      [TABLE]: Array.from({ length: n }, (_, i) => ({ PutRequest: { Item: { pk, sk: `B#${from + i}` } } })),
    },
  });

describe("sim DynamoDB: a partition key throttles at its limit", () => {
  it("offered 2x its write limit for 5 s, a key is served exactly 1,000 WCU each second", async () => {
    const m = model();
    const outcomes = await offer(m, 2 * PARTITION_WCU_PER_S, 5, (i) => put("ORG#org_a", i));
    expect(servedPerSecond(outcomes, 5)).toEqual(Array(5).fill(PARTITION_WCU_PER_S));
    // The rest: refused, retried by the SDK (some served in a later second), thrown after 3 attempts.
    const thrown = outcomes.filter((o) => o.error);
    expect(thrown.length).toBeGreaterThan(0);
    expect(new Set(thrown.map((o) => o.error))).toEqual(new Set(["ProvisionedThroughputExceededException"]));
    const retried = outcomes.filter((o) => o.served !== undefined && o.served > o.offered);
    expect(retried.length).toBeGreaterThan(0);
    expect(m.meter.get("dynamodb_throttled_requests")).toBeGreaterThanOrEqual(
      3 * thrown.length + retried.length,
    );
    // What was served is what the table holds and what the meter saw: never over the limit.
    const stored = outcomes.map((_, i) => m.db.table.get({ pk: "ORG#org_a", sk: `ITEM#${i}` }) !== undefined);
    expect(stored).toEqual(outcomes.map((o) => o.served !== undefined));
    expect(m.meter.maxPartitionWcu.value).toBe(PARTITION_WCU_PER_S);
    expect(m.meter.maxSecondsOverLimit.value).toBe(0);
  });

  it("a key at half its limit is never throttled beside a key at 2.5x its limit", async () => {
    const m = model();
    const pk = (i: number) => (i % 6 === 0 ? "ORG#org_cool" : "ORG#org_hot");
    const outcomes = await offer(m, 3 * PARTITION_WCU_PER_S, 3, (i) => put(pk(i), i));
    const cool = outcomes.filter((_, i) => pk(i) === "ORG#org_cool");
    // Served at the first attempt: its 3-8 ms of latency, no SDK backoff.
    expect(cool.every((o) => o.served !== undefined && o.ms <= 8)).toBe(true);
    const hot = outcomes.filter((_, i) => pk(i) === "ORG#org_hot");
    expect(servedPerSecond(hot, 3)).toEqual(Array(3).fill(PARTITION_WCU_PER_S));
  });

  it("offered 2x its read limit, a key is served exactly 3,000 strongly consistent reads each second", async () => {
    const m = model();
    await m.engine.settle(m.db.send(put("ORG#org_r", 0)));
    const get = () =>
      new GetCommand({ TableName: TABLE, Key: { pk: "ORG#org_r", sk: "ITEM#0" }, ConsistentRead: true });
    const outcomes = await offer(m, 2 * PARTITION_RCU_PER_S, 3, get);
    expect(servedPerSecond(outcomes, 3)).toEqual(Array(3).fill(PARTITION_RCU_PER_S));
    // A cohort's reads (k = 200: per-process cache misses counted k times) are metered only.
    const c = model(200, 5000);
    await c.engine.settle(c.db.send(put("ORG#org_r", 0)));
    const cohort = await offer(c, 100, 1, get);
    expect(servedPerSecond(cohort, 1)).toEqual([100]);
    expect(c.meter.maxPartitionRcu.value).toBe(100 * 200);
  });

  it("counts the item's size (3 KB: 3 units) and its index partition, which has a limit of its own", async () => {
    const big = "x".repeat(3 * 1024 - 100);
    // 334 are served in the second: the last one passes the limit by 2 units, owed to the next.
    const sized = await offer(model(), 600, 1, (i) => put("ORG#org_big", i, { big }));
    expect(servedPerSecond(sized, 1)).toEqual([334]);
    // Items of 2,000 keys under one index partition key: the index's limit throttles their writes.
    const gsi = (i: number) => ({ gsi1pk: "ORGS", gsi1sk: `${i}` });
    const indexed = await offer(model(), 2000, 1, (i) => put(`ORG#org_${i}`, 0, gsi(i)));
    expect(servedPerSecond(indexed, 1)).toEqual([PARTITION_WCU_PER_S]);
  });

  it("a cohort's write counts k times: 5 of 25 writes of 200 a second; one of 5,000 every 5 s", async () => {
    const outcomes = await offer(model(200, 5000), 25, 4, (i) => put("ORG#org_hot", i));
    expect(servedPerSecond(outcomes, 4)).toEqual([5, 5, 5, 5]);
    // A call standing for more than a second's limit is served; the key owes the excess.
    const spaced = await offer(model(5000, 5000), 1, 20, (i) => put("ORG#org_big", i));
    const served = spaced.flatMap((o) => (o.served === undefined ? [] : [o.served]));
    expect(served.length).toBeGreaterThanOrEqual(4);
    expect(served.length).toBeLessThanOrEqual(5);
    for (let i = 1; i < served.length; i++) expect(served[i]! - served[i - 1]!).toBeGreaterThanOrEqual(5);
  });

  it("a write on an endpoint's trial slots or resume lease counts once (per process, per run), its rate slots k times", async () => {
    // dead-endpoint-3d at --k 0.1: 708 trial-slot writes refused when one counted 5,000 times,
    // 546 resume-lease writes when a scheduled run's lease counted 5,000 times.
    const trial = keys.rateSlots("org_hot", "ep_dead#trial", 0).pk;
    const outcomes = await offer(model(5000, 5000), 25, 4, () => put(trial, 0));
    expect(servedPerSecond(outcomes, 4)).toEqual([25, 25, 25, 25]);
    const lease = keys.resumeLease("org_hot", "ep_dead").pk;
    const leases = await offer(model(5000, 5000), 25, 4, () => put(lease, 0));
    expect(servedPerSecond(leases, 4)).toEqual([25, 25, 25, 25]);
    const rate = keys.rateSlots("org_hot", "ep_dead", 0).pk;
    const spaced = await offer(model(5000, 5000), 25, 4, () => put(rate, 0));
    expect(spaced.filter((o) => o.served !== undefined).length).toBeLessThan(5);
  });

  it("an index entry costs its own size: a keys-only GSI2 entry of a 3 KB item is 1 unit", async () => {
    const m = model();
    const big = "x".repeat(2900);
    const item = {
      pk: "LOG#org_a#ep_1#0",
      sk: "msg_1#a",
      big,
      gsi2pk: "WAIT#org_a#ep_1#0",
      gsi2sk: "t#msg_1",
    };
    await m.engine.settle(m.db.send(new PutCommand({ TableName: TABLE, Item: item })));
    const peak = (kind: string) => m.meter.maxima.get(`partition_wcu:${kind}`);
    expect(peak("LOG")).toBe(3);
    expect(peak("WAIT")).toBe(1);
    expect(m.meter.get("dynamodb_write_units")).toBe(3 + 1);
    // GSI1 projects every attribute: its entry costs what the item does.
    const all = { pk: "ORG#org_b", sk: "ORG", big, gsi1pk: "ORGS", gsi1sk: "t#org_b" };
    await m.engine.settle(m.db.send(new PutCommand({ TableName: TABLE, Item: all })));
    expect(m.meter.get("dynamodb_write_units")).toBe(3 + 1 + 3 + 3);
  });

  it("a conditional write refused on its condition still costs units: the item's as it is, 1 for none (AWS)", async () => {
    const m = model();
    const units = async (command: { input: unknown; constructor: { name: string } }) => {
      const before = m.meter.get("dynamodb_write_units");
      await m.engine.settle(m.db.send(command).catch((e: Error) => e.name));
      return m.meter.get("dynamodb_write_units") - before;
    };
    const key = { pk: "MSG#org_a#msg_1", sk: "MSG" };
    const absent = new UpdateCommand({
      TableName: TABLE,
      Key: key,
      UpdateExpression: "SET n = :n",
      ConditionExpression: "attribute_exists(pk)",
      ExpressionAttributeValues: { ":n": 1 },
    });
    expect(await units(absent)).toBe(1);
    expect(await units(new PutCommand({ TableName: TABLE, Item: { ...key, big: "x".repeat(2900) } }))).toBe(
      3,
    );
    const taken = new PutCommand({
      TableName: TABLE,
      Item: key,
      ConditionExpression: "attribute_not_exists(pk)",
    });
    expect(await units(taken)).toBe(3);
  });

  it("an index is written only when the item's entry in it changes (AWS: GSI writes)", async () => {
    const m = model();
    const key = { pk: "LOG#org_a#ep_1#0", sk: "msg_1#a" };
    const units = async (command: { input: unknown; constructor: { name: string } }) => {
      const before = m.meter.get("dynamodb_write_units");
      await m.engine.settle(m.db.send(command));
      return m.meter.get("dynamodb_write_units") - before;
    };
    const update = (expression: string, values?: Record<string, unknown>) =>
      new UpdateCommand({
        TableName: TABLE,
        Key: key,
        UpdateExpression: expression,
        ...(values ? { ExpressionAttributeValues: values } : {}),
      });
    const wait = { gsi2pk: "WAIT#org_a#ep_1#0", gsi2sk: "t#msg_1" };
    // Enters the keys-only GSI2: the item and one index put.
    expect(await units(new PutCommand({ TableName: TABLE, Item: { ...key, ...wait } }))).toBe(1 + 1);
    // An attribute GSI2 does not project: the item only (it was billed 1 + 1).
    expect(await units(update("SET claimed_until = :t", { ":t": "x" }))).toBe(1);
    // Its index key moves (WAIT# to PARK#): a delete and a put in the index.
    const park = { ":p": "PARK#org_a#ep_1#0", ":s": "t#msg_1" };
    expect(await units(update("SET gsi2pk = :p, gsi2sk = :s", park))).toBe(1 + 2);
    // Leaves the index: one delete.
    expect(await units(update("REMOVE gsi2pk, gsi2sk"))).toBe(1 + 1);
    // Neither before nor after: none.
    expect(await units(update("SET claimed_until = :t", { ":t": "y" }))).toBe(1);
    // GSI1 projects every attribute: a changed one is an index write, the same value none.
    const org = { pk: "ORG#org_b", sk: "ORG", gsi1pk: "ORGS", gsi1sk: "t#org_b", v: 1 };
    await units(new PutCommand({ TableName: TABLE, Item: org }));
    const bump = (v: number) =>
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk: org.pk, sk: org.sk },
        UpdateExpression: "SET v = :v",
        ExpressionAttributeValues: { ":v": v },
      });
    expect(await units(bump(2))).toBe(1 + 1);
    expect(await units(bump(2))).toBe(1);
  });

  it("a keys-only index partition at its limit does not refuse an update its entry does not see", async () => {
    const m = model();
    const key = { pk: "LOG#org_a#ep_1#0", sk: "msg_1#a" };
    const wait = { gsi2pk: "WAIT#org_a#ep_1#0", gsi2sk: "t#msg_1" };
    await m.engine.settle(m.db.send(new PutCommand({ TableName: TABLE, Item: { ...key, ...wait } })));
    const refused = () => m.meter.get("dynamodb_throttled:WAIT");
    const full = () => m.meter.write(wait.gsi2pk, PARTITION_WCU_PER_S, wait.gsi2sk);
    full();
    const claim = { UpdateExpression: "SET claimed_until = :t", ExpressionAttributeValues: { ":t": "x" } };
    await m.engine.settle(m.db.send(new UpdateCommand({ TableName: TABLE, Key: key, ...claim })));
    expect(refused()).toBe(0);
    full();
    const leave = { UpdateExpression: "REMOVE gsi2pk, gsi2sk" };
    await m.engine.settle(m.db.send(new UpdateCommand({ TableName: TABLE, Key: key, ...leave })));
    expect(refused()).toBeGreaterThanOrEqual(1);
  });

  it("a full index partition refuses exactly the writes that change the item's entry in it", async () => {
    const m = model();
    const key = { pk: "LOG#org_a#ep_1#0", sk: "msg_1#a" };
    const wait = { gsi2pk: "WAIT#org_a#ep_1#0", gsi2sk: "t#msg_1" };
    const org = { pk: "ORG#org_b", sk: "ORG", gsi1pk: "ORGS", gsi1sk: "t#org_b", v: 1 };
    for (const item of [{ ...key, ...wait }, org])
      await m.engine.settle(m.db.send(new PutCommand({ TableName: TABLE, Item: item })));
    /** Whether the write is refused (at least once) with the index partition `pk`, `sk` full. */
    const refusedWith = async (pk: string, sk: string, command: PutCommand | UpdateCommand) => {
      const before = m.meter.get("dynamodb_throttled_requests");
      await m.engine.settle(m.engine.sleep(1000 - (m.engine.t % 1000)));
      m.meter.write(pk, PARTITION_WCU_PER_S, sk);
      await m.engine.settle(m.db.send(command).catch(() => undefined));
      return m.meter.get("dynamodb_throttled_requests") > before;
    };
    const update = (input: Omit<UpdateCommandInput, "TableName" | "Key">, k: typeof key = key) =>
      new UpdateCommand({ TableName: TABLE, Key: k, ...input });
    const setKeys = (p: string) => ({
      UpdateExpression: "SET gsi2pk = :p, gsi2sk = :s",
      ExpressionAttributeValues: { ":p": p, ":s": wait.gsi2sk },
    });
    // The keys-only GSI2: a key named only in the condition, or set to the value it has, changes
    // no entry; nor does a put of the item with its keys as they are. Each was refused before:
    // an update's names (its condition's too) were taken for what it sets, a put for a move.
    const claim = update({
      UpdateExpression: "SET claimed_until = :t",
      ConditionExpression: "#k = :p",
      ExpressionAttributeNames: { "#k": "gsi2pk" },
      ExpressionAttributeValues: { ":t": "x", ":p": wait.gsi2pk },
    });
    expect(await refusedWith(wait.gsi2pk, wait.gsi2sk, claim)).toBe(false);
    expect(await refusedWith(wait.gsi2pk, wait.gsi2sk, update(setKeys(wait.gsi2pk)))).toBe(false);
    const again = new PutCommand({ TableName: TABLE, Item: { ...key, ...wait, n: 1 } });
    expect(await refusedWith(wait.gsi2pk, wait.gsi2sk, again)).toBe(false);
    // GSI1 projects every attribute: an update that changes nothing is not refused (it was),
    // one that changes an attribute is.
    const bump = (v: number) =>
      update(
        { UpdateExpression: "SET v = :v", ExpressionAttributeValues: { ":v": v } },
        { pk: org.pk, sk: org.sk },
      );
    expect(await refusedWith("ORGS", org.gsi1sk, bump(1))).toBe(false);
    expect(await refusedWith("ORGS", org.gsi1sk, bump(2))).toBe(true);
    // An update that moves the entry to a full partition is refused there (it was not: an
    // update's new index keys were not judged).
    const park = "PARK#org_a#ep_1#0";
    expect(await refusedWith(park, wait.gsi2sk, update(setKeys(park)))).toBe(true);
  });

  it("BatchWriteItem returns throttled items as UnprocessedItems, and throws when none was written", async () => {
    const m = model();
    // 990 puts leave room for 10 in the second: a batch of 25 writes 10 and returns 15.
    const fill = Array.from({ length: 990 }, (_, i) => m.db.send(put("ORG#org_b", i)));
    const later = new Promise((resolve) =>
      m.engine.at(100, () => resolve(m.db.send(batch("ORG#org_b", 0, 25)))),
    );
    const [out] = (await m.engine.settle(Promise.all([later, ...fill]))) as [
      { UnprocessedItems?: Record<string, unknown[]> },
    ];
    expect(out.UnprocessedItems?.[TABLE]).toHaveLength(15);
    // A cohort's write owes 4 s of the key's limit: a batch of its items is refused as a whole
    // on each of the SDK's 3 attempts (within ~3 s), then thrown.
    const c = model(5000, 5000);
    const first = c.db.send(put("ORG#org_c", 0));
    const refused = new Promise((resolve) =>
      c.engine.at(100, () => resolve(c.db.send(batch("ORG#org_c", 0, 2)).catch((e: Error) => e.name))),
    );
    expect(await c.engine.settle(Promise.all([refused, first]))).toEqual([
      "ProvisionedThroughputExceededException",
      expect.anything(),
    ]);
    expect(c.meter.get("dynamodb_throttled_requests")).toBe(3);
  });
});
