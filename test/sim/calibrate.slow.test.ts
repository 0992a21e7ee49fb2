/**
 * The calibration (issue #25 item 4, docs/scale.md "Calibration"): the same shape on the real
 * local stack (the harness's DynamoDB Local and fauxqs, the benchmark receiver on 127.0.0.1) and
 * in the simulation, with the local stack's settings, must count the same. Counts only: the
 * delays depend on this machine's load, which the simulation does not model.
 *
 * Attempts, failed attempts and parked tasks are compared too since the slow lane's cap on a
 * failing endpoint (core/delivery/policy/slow-cap.ts): it sends the hanging endpoint no more
 * requests than its breaker needs to open, so how the moved tasks fall into the slow lane's
 * batches (a race of milliseconds on this machine) no longer changes how many requests go out.
 *
 * A child process, as the simulation's other runs: the engine makes `setTimeout` virtual while
 * it runs, which must never reach the test runner's own timers.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, inject, it } from "vitest";

const run = promisify(execFile);

interface Side {
  side: string;
  deliveries: number;
  attempts: number;
  failed_attempts: number;
  slow_lane_moves: number;
  breaker_opens: number;
  parked: number;
  dead_letters: number;
  other_delivered: number;
}

describe("npm run simulate -- --calibrate", () => {
  it("2 + 20 events at once, one endpoint hanging: the local stack and the simulation count the same", async () => {
    const emulators = `${inject("dynamodbEndpoint")},${inject("sqsEndpoint")}`;
    const args = ["tsx", "sim/cli.ts", "--calibrate", "--json", "--shape", "burst-hang-small"];
    const { stdout } = await run("npx", [...args, "--emulators", emulators], {
      cwd: new URL("../..", import.meta.url).pathname,
      maxBuffer: 16 * 1024 * 1024,
    });
    const sides = stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Side);
    const local = sides.find((s) => s.side === "local stack")!;
    const sim = sides.find((s) => s.side === "simulation")!;
    const counts = (s: Side) => ({
      deliveries: s.deliveries,
      slow_lane_moves: s.slow_lane_moves,
      breaker_opens: s.breaker_opens,
      dead_letters: s.dead_letters,
      other_delivered: s.other_delivered,
    });
    // What the design decides: the other tenant gets its 2 (its trial's 2 slots, none refused by
    // the gate, and fewer than the latency rule's 5 answers: a starved machine moves none of its
    // tasks, bench/burst-shapes.ts); each of the hanging
    // endpoint's 20 tasks moves to the slow lane once; its breaker opens once; nothing is dead-lettered
    // within the observation (its retries are far from exhausted).
    const expected = {
      deliveries: 2,
      slow_lane_moves: 20,
      breaker_opens: 1,
      dead_letters: 0,
      other_delivered: 2,
    };
    expect(counts(local)).toEqual(expected);
    expect(counts(sim)).toEqual(expected);
    // The other tenant's 2, the hanging endpoint's 2 trial requests (cut at the budget: then it
    // is slow and its other tasks move without a request), then in the slow lane exactly the
    // breaker's 10 failures (the cap holds the rest until it opens); every one of its 20 tasks is
    // parked once the breaker is open (the 10 failed ones when their 5 s retry comes back).
    const outcome = (s: Side) => ({
      attempts: s.attempts,
      failed_attempts: s.failed_attempts,
      parked: s.parked,
    });
    const decided = { attempts: 2 + 2 + 10, failed_attempts: 10, parked: 20 };
    expect(outcome(local)).toEqual(decided);
    expect(outcome(sim)).toEqual(decided);
  }, 600_000);
});
