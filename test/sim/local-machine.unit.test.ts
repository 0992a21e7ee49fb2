/**
 * The calibration's local machine (sim/calibration/local-machine.ts): CPU work queued on the
 * machine's cores, the Node process's on its one event loop too; a call answers no sooner than
 * its emulator's work is done and no sooner than the model's own latency. On the virtual clock.
 */
import { describe, expect, it } from "vitest";
import {
  DYNAMODB_LOCAL_MS_PER_CALL,
  LocalMachine,
  MACHINE_CORES,
  NODE_MS_PER_CALL,
} from "../../sim/calibration/local-machine.js";
import { Engine } from "../../sim/engine.js";

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
});
