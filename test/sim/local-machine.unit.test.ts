/**
 * The calibration's local machine (sim/calibration/local-machine.ts): CPU work queued on the
 * machine's cores, the Node process's on its one event loop too; a call answers no sooner than
 * its emulator's work is done and no sooner than the model's own latency. On the virtual clock.
 */
import { describe, expect, it } from "vitest";
import { burstShape } from "../../bench/burst-shapes.js";
import { Meter } from "../../sim/aws/meter.js";
import { SimQueue } from "../../sim/aws/sqs.js";
import { CPU_WARM } from "../../sim/calibration/call-cpu.js";
import {
  EMPTY_POLL_CALLS,
  FAUXQS_TIMER_MS,
  LocalMachine,
  MACHINE_CORES,
  onLoop,
  POLLER_CALLS,
} from "../../sim/calibration/local-machine.js";
import { simSpec } from "../../sim/calibration/sim-side.js";
import { Engine } from "../../sim/engine.js";
import { World } from "../../sim/world.js";

// A machine's CPU per call by default (a JVM past its first two rounds).
const NODE_MS_PER_CALL = CPU_WARM.nodeLoop;
const DYNAMODB_LOCAL_MS_PER_CALL = CPU_WARM.dynamodb;
const FAUXQS_MS_PER_CALL = CPU_WARM.fauxqs;
const DONE = (engine: Engine, ends: number[]) => () => ends.push(engine.t);

describe("sim local machine", () => {
  it("the Node process's work runs one piece at a time, the emulators' on the other core", async () => {
    expect(MACHINE_CORES).toBe(2);
    const engine = new Engine(1);
    const machine = new LocalMachine(engine);
    const node: number[] = [];
    const jvm: number[] = [];
    for (let i = 0; i < 3; i++) void machine.run("node", 10).then(DONE(engine, node));
    for (let i = 0; i < 2; i++) void machine.run("dynamodb", 5).then(DONE(engine, jvm));
    await engine.run(1_000);
    // One event loop: 10, 20, 30 ms, although a core is free; the JVM's work fills the other core.
    expect(node).toEqual([10, 20, 30]);
    expect(jvm).toEqual([5, 10]);
  });

  it("both cores busy: the emulators' work waits its turn, first asked first served", async () => {
    const engine = new Engine(1);
    const machine = new LocalMachine(engine);
    const ends: number[] = [];
    for (let i = 0; i < 4; i++) void machine.run("dynamodb", 10).then(DONE(engine, ends));
    await engine.run(1_000);
    expect(ends).toEqual([10, 10, 20, 20]);
  });

  it("an idle machine answers a call after the model's latency; a busy one after its CPU work", async () => {
    const engine = new Engine(1);
    const machine = new LocalMachine(engine);
    const model = { send: (_c: unknown) => engine.sleep(20).then(() => "answer") };
    const client = machine.client(model, "dynamodb");
    const get = { input: {}, constructor: { name: "GetCommand" } };
    const answered: number[] = [];
    void client.send(get).then(DONE(engine, answered));
    await engine.run(1_000);
    // The Node process's 1 ms, then the model's 20 ms (the JVM's 2.6 ms run meanwhile).
    expect(answered).toEqual([NODE_MS_PER_CALL + 20]);
    // 40 calls at once: the JVM's work (2 cores, after each call's Node work) outlasts 20 ms.
    const busy: number[] = [];
    for (let i = 0; i < 40; i++) void client.send(get).then(DONE(engine, busy));
    await engine.run(2_000);
    const last = Math.max(...busy) - 1_000;
    expect(busy).toHaveLength(40);
    expect(last).toBeGreaterThan(20 + NODE_MS_PER_CALL);
    expect(last).toBeGreaterThanOrEqual((40 * DYNAMODB_LOCAL_MS_PER_CALL) / MACHINE_CORES);
  });

  it("the threads no call waits for (V8's workers, the JVM's compiler) take a core, not the call's path", async () => {
    const engine = new Engine(1);
    const cpu = { nodeLoop: 1, nodeWorkers: 0.5, dynamodb: 2, dynamodbJit: 4, fauxqs: 0.5 };
    const machine = new LocalMachine(engine, cpu);
    const db = machine.client({ send: async (_c: unknown) => ({}) }, "dynamodb");
    const get = { input: {}, constructor: { name: "GetCommand" } };
    const answered: number[] = [];
    void db.send(get).then(DONE(engine, answered));
    await engine.run(100);
    // The loop's 1 ms, then the JVM's 2 ms on the path; the 4.5 ms beside on the other core.
    expect(answered).toEqual([3]);
    // Both cores busy until 5.5 ms: the next call's emulator work waits for the one free first.
    const next: number[] = [];
    void db.send(get).then(DONE(engine, next));
    void db.send(get).then(DONE(engine, next));
    await engine.run(200);
    expect(next).toHaveLength(2);
    expect(Math.max(...next) - 100).toBeGreaterThan(2 * cpu.nodeLoop + cpu.dynamodb);
  });

  it("an error answers no sooner than the emulator's work", async () => {
    const engine = new Engine(1);
    const machine = new LocalMachine(engine);
    const failing = { send: (_c: unknown) => Promise.reject(new Error("ConditionalCheckFailed")) };
    const client = machine.client(failing, "dynamodb");
    const failed: number[] = [];
    void client.send({ input: {}, constructor: { name: "PutCommand" } }).catch(DONE(engine, failed));
    await engine.run(1_000);
    expect(failed).toEqual([NODE_MS_PER_CALL + DYNAMODB_LOCAL_MS_PER_CALL]);
  });

  it("a local poller's own calls come when its handler returns, one after another", async () => {
    const engine = new Engine(1);
    const machine = new LocalMachine(engine);
    const hook = machine.pollers("delivery", 8);
    const ends: number[] = [];
    await hook("before", 5);
    void hook("after", 5).then(DONE(engine, ends));
    await engine.run(1_000);
    // DeleteMessageBatch, GetQueueAttributes, ReceiveMessage: each its Node work, then fauxqs's.
    expect(POLLER_CALLS).toBe(3);
    expect(ends[0]).toBeCloseTo(POLLER_CALLS * (NODE_MS_PER_CALL + FAUXQS_MS_PER_CALL));
  });

  it("a poller of 20 fills its batch from receives of 10: a full first receive costs another before the handler", async () => {
    // local/event-source.ts receive(): a short answer ends the batch; a full one asks again.
    const engine = new Engine(1);
    const machine = new LocalMachine(engine);
    const hook = machine.pollers("delivery", 8, 20);
    const lanes: string[] = [];
    const run = machine.run.bind(machine);
    machine.run = (lane, ms) => {
      lanes.push(lane);
      return run(lane, ms);
    };
    // 4 records: no further receive; 10: one (its Node work, fauxqs's, the answer read).
    await hook("before", 4);
    expect(lanes).toEqual([]);
    const started: number[] = [];
    void hook("before", 10).then(DONE(engine, started));
    await engine.run(1_000);
    expect(lanes).toEqual(["node", "fauxqs", "beside", "node"]);
    expect(started).toEqual([NODE_MS_PER_CALL + FAUXQS_MS_PER_CALL]);
    // The further receive takes what is visible when it reaches fauxqs (after its Node work): a
    // send put meanwhile fills the batch to 20, and a poller of 10 never asks again.
    const asked: [number, number][] = [];
    const more = (max: number) => {
      asked.push([engine.t, max]);
      return 10;
    };
    void hook("before", 10, more);
    await engine.run(2_000);
    expect(asked).toEqual([[1_000 + NODE_MS_PER_CALL, 10]]);
    void machine.pollers("ingest", 4)("before", 10, more);
    await engine.run(3_000);
    expect(asked).toHaveLength(1);
  });

  it("a call's answer is read when the event loop is free: work queued meanwhile goes first", async () => {
    const engine = new Engine(1);
    // Nothing beside the calls, so the loop's work alone sets the time.
    const machine = new LocalMachine(engine, { ...CPU_WARM, nodeWorkers: 0, dynamodbJit: 0 });
    const sqs = machine.client({ send: async (_c: unknown) => ({}) }, "fauxqs");
    const answered: number[] = [];
    void sqs.send({ input: {}, constructor: { name: "ReceiveMessageCommand" } }).then(DONE(engine, answered));
    // Asked after the call's own Node work, before its answer: 7 woken pollers' calls.
    void engine.sleep(NODE_MS_PER_CALL).then(() => {
      for (let i = 0; i < 7; i++) void machine.run("node", NODE_MS_PER_CALL);
    });
    await engine.run(1_000);
    expect(answered).toEqual([NODE_MS_PER_CALL + 7 * NODE_MS_PER_CALL]);
  });

  it("a message put wakes the queue's idle pollers: all but one poll again, and are busy meanwhile", async () => {
    const engine = new Engine(1);
    const machine = new LocalMachine(engine);
    const waiting: number[] = [];
    const settings = { maxConcurrency: 8, batchSize: 20 };
    const local = machine.eventSource("delivery", settings, {
      onVisible: DONE(engine, waiting),
    }).localReceive;
    const calls: string[] = [];
    const run = machine.run.bind(machine);
    machine.run = (lane, ms) => {
      calls.push(lane);
      return run(lane, ms);
    };
    const sqs = machine.client({ send: async (_c: unknown) => ({}) }, "fauxqs");
    const batch = (delay: number) => ({
      input: { QueueUrl: "delivery", Entries: [{ Id: "0", DelaySeconds: delay }] },
      constructor: { name: "SendMessageBatchCommand" },
    });
    // Delayed: nobody is woken, the send is the only call.
    void sqs.send(batch(1));
    await engine.run(100);
    // (Each call: its Node work, the emulator's, V8's workers' beside, then its answer read on the event loop.)
    expect(calls).toEqual(["node", "fauxqs", "beside", "node"]);
    // Visible: 7 of the 8 idle pollers poll again (the eighth takes the message), 2 calls each;
    // a second put while they poll wakes none.
    calls.length = 0;
    void sqs.send(batch(0));
    void sqs.send(batch(0));
    // Woken when the message is put (fauxqs's enqueue), before the sender reads its answer: the
    // event source sees them polling again, not waiting, from then on.
    await engine.run(100 + NODE_MS_PER_CALL + FAUXQS_MS_PER_CALL / 2);
    expect(local.repolling()).toBe(7);
    await engine.run(200);
    expect(calls.filter((l) => l === "node")).toHaveLength(2 * (2 + 7 * EMPTY_POLL_CALLS));
    expect([local.repolling(), waiting.length, local.max]).toEqual([0, 7, 10]);
    // Done polling, they wait again (each told to the event source): the next put wakes them.
    calls.length = 0;
    void sqs.send(batch(0));
    await engine.run(300);
    expect(calls.filter((l) => l === "node")).toHaveLength(2 * (1 + 7 * EMPTY_POLL_CALLS));
  });

  it("a webhook's answer is read when the event loop is free, its error too; off the machine at once", async () => {
    const engine = new Engine(1);
    const machine = new LocalMachine(engine);
    const ends: number[] = [];
    void machine.run("node", 30);
    // The receiver answers after 5 ms; the process reads it after the 30 ms of work queued before.
    void onLoop(machine, (ms: number) => engine.sleep(ms))(5).then(DONE(engine, ends));
    const failing = onLoop(machine, async (_: number) => {
      throw new Error("reset");
    });
    void failing(0).catch(DONE(engine, ends));
    void onLoop(undefined, (ms: number) => engine.sleep(ms))(5).then(DONE(engine, ends));
    await engine.run(1_000);
    expect(ends).toEqual([5, 30, 30]);
  });

  it("the calibration's world: no AWS latency on the emulators' calls, no Lambda overhead per invocation", () => {
    const local = new World({ seed: 1, localMachine: true });
    expect([local.dynamo.latency, local.sqs.latency]).toEqual([false, false]);
    const aws = new World({ seed: 1 });
    expect([aws.dynamo.latency, aws.sqs.latency]).toEqual([true, true]);
    const { world } = simSpec(burstShape("burst-healthy"));
    for (const m of [world?.ingest, world?.deliver, world?.deliverSlow]) expect(m?.invokeOverheadMs).toBe(0);
  });

  it("a delay that ends is seen at fauxqs's next 20 ms look while a poller waits, at once when none does", async () => {
    expect(FAUXQS_TIMER_MS).toBe(20);
    const engine = new Engine(1);
    const machine = new LocalMachine(engine);
    const settings = { maxConcurrency: 8, batchSize: 20 };
    const queue: { revealAt?: (at: number) => number } = {};
    const { localReceive, pollerCalls } = machine.eventSource("delivery", settings, queue);
    const revealAt = queue.revealAt!;
    // The pollers wait from the start, fauxqs's timer with them: it looks at 20, 40, … ms.
    await engine.run(1_005);
    const shown = Array.from({ length: 12 }, () => revealAt(1_005));
    expect(shown).toEqual(Array(12).fill(1_020));
    expect(revealAt(1_005 - 5)).toBe(1_000); // due on a look: seen then
    // The look wakes every waiting poller: 12 messages fill 2 receives, the other 6 poll again.
    await engine.run(1_020);
    expect(localReceive.repolling()).toBe(6);
    // Back from polling, they restart the timer: its looks are 20 ms from then.
    await engine.run(1_100);
    expect(localReceive.repolling()).toBe(0);
    const back = revealAt(1_100) - FAUXQS_TIMER_MS;
    expect(back).toBeGreaterThan(1_020);
    expect(revealAt(1_100)).toBe(back + FAUXQS_TIMER_MS);
    // Every poller busy: no receive waits, no timer; the next receive's own look finds it.
    for (let i = 0; i < 8; i++) void pollerCalls("before", 1);
    await engine.run(1_200);
    expect(revealAt(1_200)).toBe(1_200);
  });

  it("the queue model asks revealAt only when a delay or a visibility timeout ends", async () => {
    const engine = new Engine(1);
    const meter = new Meter(engine, { ofOrg: () => 1, rateOf: () => 1, shardsOf: () => 16 });
    const settings = { visibilityTimeoutSeconds: 1, retentionSeconds: 86_400, maxReceiveCount: 5 };
    const q = new SimQueue("q", settings, engine, meter);
    const asked: number[] = [];
    q.revealAt = (at) => {
      asked.push(at);
      return at + 15;
    };
    const seen: number[] = [];
    q.onVisible = () => seen.push(engine.t);
    q.put({ id: "now", body: "", k: 1, sentAt: 0 }, 0);
    q.put({ id: "delayed", body: "", k: 1, sentAt: 0 }, 500);
    await engine.run(100);
    expect(q.receive(10).map((m) => m.id)).toEqual(["now"]);
    await engine.run(2_000);
    // The delayed one at 500 + 15; the one received at 100 back after its 1 s timeout, + 15.
    expect([asked, seen]).toEqual([
      [500, 1_100],
      [0, 515, 1_115],
    ]);
  });
});
