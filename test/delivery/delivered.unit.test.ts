/**
 * The copy rule (core/delivery/policy/delivered.ts `movedPast`), as a table: on its first
 * receive a task is acknowledged without a request when its delivery has moved past it. A
 * re-enqueued task carries its run's `pending` entry (pending.ts): a newer `pending` (another
 * run re-enqueued it) or a newer entry with more attempts (another copy made the attempt)
 * makes it a copy; its own entry, an older one, or its own line's attempts do not.
 */
import { describe, expect, it } from "vitest";
import { movedPast } from "../../core/delivery/policy/delivered.js";
import type { DeliveryRecord, DeliveryStatus } from "../../core/model/index.js";
import { newId } from "../../core/model/index.js";

const at = (ms: number) => new Date(Date.parse("2026-01-05T00:00:00Z") + ms);
// Taken in time order (newId is monotonic within a process).
const older = newId("att", at(0)).slice(4);
const mine = newId("att", at(1_000));
const same = mine.slice(4);
const newer = newId("att", at(2_000)).slice(4);

function latest(entry: string, status: DeliveryStatus, attempts: number) {
  const record: DeliveryRecord = {
    org_id: "org_a",
    msg_id: "msg_a",
    endpoint_id: "ep_a",
    event_type: "call.ended",
    status,
    attempts,
    last_status_code: null,
    last_error: null,
    next_attempt_at: null,
    created_at: at(0).toISOString(),
    updated_at: at(0).toISOString(),
  };
  return { record, entry };
}

const resumed = { attempt_base: 0, pending_entry: mine };

describe("a first receive is a copy its delivery moved past", () => {
  it.each([
    ["no record", undefined, false],
    ["its own pending entry", latest(same, "pending", 0), false],
    ["its pending not written yet (an older state is the latest)", latest(older, "skipped", 3), false],
    [
      "its pending not written yet, an older success the latest (a resend)",
      latest(older, "succeeded", 3),
      false,
    ],
    ["another run's older pending: this one's is not written yet", latest(older, "pending", 0), false],
    ["another run's newer pending: that run's task sends", latest(newer, "pending", 0), true],
    ["a newer attempt by another copy, failed", latest(newer, "retrying", 1), true],
    ["a newer attempt by another copy, succeeded", latest(newer, "succeeded", 1), true],
    ["a newer entry with no attempt more (parked again by another copy)", latest(newer, "skipped", 0), false],
  ] as const)("a resumed task, latest %s: %s", (_what, state, copy) => {
    expect(movedPast(state, resumed)).toBe(copy);
  });

  it("its own line's later receives are not copies: each attempt it made is carried on", () => {
    // After its first attempt failed, re-sent with attempt_base 1: the latest is that attempt.
    expect(movedPast(latest(newer, "retrying", 1), { ...resumed, attempt_base: 1 })).toBe(false);
    expect(movedPast(latest(newer, "retrying", 2), { ...resumed, attempt_base: 1 })).toBe(true);
  });

  it("a task without a pending entry (a fan-out's, or one enqueued before this rule) is checked as before", () => {
    const plain = { attempt_base: 0 };
    expect(movedPast(latest(newer, "pending", 0), plain)).toBe(false);
    expect(movedPast(latest(newer, "retrying", 1), plain)).toBe(false);
    expect(movedPast(latest(newer, "succeeded", 1), plain)).toBe(true);
  });

  it("a retry that waited (due_at) is a copy once another made its attempt", () => {
    const waited = { attempt_base: 2, due_at: at(0).toISOString() };
    expect(movedPast(latest(older, "retrying", 2), waited)).toBe(false);
    expect(movedPast(latest(older, "retrying", 3), waited)).toBe(true);
    expect(movedPast(latest(older, "succeeded", 3), waited)).toBe(true);
  });
});
