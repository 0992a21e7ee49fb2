/**
 * The load run's accounting (scripts/load-accounting.ts): an attempt the sender gave up on may
 * have reached the receiver, and its re-send is a duplicate under the same webhook-id, not a
 * loss nor a mismatch; an answer no logged attempt explains is a mismatch; a pair with no 2xx
 * and no DLQ message is lost.
 */
import { describe, expect, it } from "vitest";
import { type AccountingInput, account, type LogItem } from "../../scripts/load-accounting.js";

const EP = { id: "ep_1", path: "5" };
let sk = 0;
/** One log item: an attempt answered with `status` (null: the sender gave up), and the record after it. */
const attempt = (status: number | null, after: string, attempts: number): LogItem => ({
  sk: `${++sk}`.padStart(4, "0"),
  msg_id: "m1",
  endpoint_id: EP.id,
  status: after,
  attempts,
  attempt: { success: status !== null && status < 300, status_code: status },
});
const seen = (ok: number, failed: number) =>
  new Map([["m1/5", { requests: ok + failed, ok, failed, webhookIds: new Set(["m1"]) }]]);

function input(over: Partial<AccountingInput>): AccountingInput {
  return {
    msgIds: ["m1"],
    endpoints: [EP],
    seen: seen(1, 0),
    log: [attempt(204, "succeeded", 1)],
    letters: new Map(),
    receiver: { requests: 1, responses500: 0 },
    ...over,
  };
}

describe("load accounting", () => {
  it("one request, one 2xx, one logged attempt: all accounted for", () => {
    const a = account(input({}));
    expect(a).toMatchObject({ succeeded: 1, lost: [], mismatches: [], duplicateSuccesses: 0 });
  });

  it("the receiver answered 204 after the sender gave up, then the re-send: a duplicate, not a mismatch", () => {
    const a = account(
      input({
        seen: seen(2, 0),
        log: [attempt(null, "pending", 1), attempt(204, "succeeded", 2)],
        receiver: { requests: 2, responses500: 0 },
      }),
    );
    expect(a).toMatchObject({ succeeded: 1, lost: [], mismatches: [], duplicateSuccesses: 1 });
    expect(a.unansweredAttemptsLogged).toBe(1);
  });

  it("a late 500 is explained by the attempt the sender gave up on; one the sender never saw is not", () => {
    const late = input({
      seen: seen(1, 1),
      log: [attempt(null, "pending", 1), attempt(204, "succeeded", 2)],
      receiver: { requests: 2, responses500: 1 },
    });
    expect(account(late).mismatches).toEqual([]);
    const unexplained = input({
      seen: seen(1, 1),
      log: [attempt(204, "succeeded", 1)],
      receiver: { requests: 2, responses500: 1 },
    });
    expect(account(unexplained).mismatches).toContain(
      "m1/ep_1: receiver answered 1 ok/1 failed, log has 1 ok/0 failed/0 unanswered",
    );
  });

  it("a timed-out attempt the receiver never saw is not a mismatch", () => {
    const a = account(input({ log: [attempt(null, "pending", 1), attempt(204, "succeeded", 2)] }));
    expect(a.mismatches).toEqual([]);
  });

  it("a 2xx logged that the receiver never gave is a mismatch", () => {
    const a = account(input({ seen: seen(0, 0), receiver: { requests: 0, responses500: 0 } }));
    expect(a.mismatches.length).toBeGreaterThan(0);
    expect(a.lost).toEqual(["m1/ep_1"]);
  });

  it("no 2xx and no DLQ message is lost; dead-lettered after its retries is not", () => {
    const failed = [attempt(500, "failed", 1)];
    const base = { seen: seen(0, 1), log: failed, receiver: { requests: 1, responses500: 1 } };
    expect(account(input(base)).lost).toEqual(["m1/ep_1"]);
    const dead = account(input({ ...base, letters: new Map([["m1/ep_1", 1]]) }));
    expect(dead).toMatchObject({ failed: 1, lost: [], mismatches: [] });
  });
});
