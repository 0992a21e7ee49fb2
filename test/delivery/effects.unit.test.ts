/**
 * The delivery policy's effects (core/delivery/policy/effects.ts) as a table: (the endpoint's
 * state, the request's outcome) → the list the one executor carries out, in order. Pure: the
 * deployment's defaults, a fixed clock and no jitter.
 */
import { describe, expect, it } from "vitest";
import { type DecideContext, decide, type Outcome } from "../../core/delivery/policy/decide.js";
import { CUT_BY_BUDGET, type Effect } from "../../core/delivery/policy/effects.js";
import { GONE } from "../../core/delivery/policy/stop.js";
import { newEndpointRecord } from "../../core/endpoints/record.js";
import type { EndpointRecord } from "../../core/model/endpoint.js";
import type { SendFailure } from "../../core/model/send.js";
import { taskFor } from "../../core/model/task.js";
import { deploymentContext } from "../support/decide-context.js";

const now = new Date("2026-01-01T12:00:00Z");
const ctx: DecideContext = deploymentContext(now);
const budget = ctx.config.isolation.fastLaneBudgetMs;
const base = newEndpointRecord({ org_id: "org_a", url: "https://example.com/h", secret: "whsec_x" }, now);
const endpoint = (over: Partial<EndpointRecord> = {}): EndpointRecord => ({ ...base, ...over });
const task = taskFor(
  { org_id: "org_a", id: "msg_1", type: "t", created_at: now.toISOString(), agent_id: null, data: {} },
  base.id,
  "event",
);
const answered = (status: number, failure: SendFailure | null = null): Outcome => ({
  ok: status < 300,
  status,
  failure: failure ?? (status < 300 ? null : { kind: "status", status }),
  error: status < 300 ? null : `HTTP ${status}`,
  retryAfterSeconds: null,
});
const timedOut: Outcome = {
  ok: false,
  status: null,
  failure: { kind: "timeout", afterMs: budget },
  error: `timed out after ${budget} ms`,
  retryAfterSeconds: null,
};
const kinds = (effects: Effect[]) => effects.map((e) => e.kind);
const effects = (ep: EndpointRecord, outcome: Outcome | null, over: Partial<DecideContext> = {}) =>
  decide(task, ep, outcome, { ...ctx, ...over });

describe("effects before the request", () => {
  it("a healthy endpoint: its rate window's slot, then the send within the shared lane's budget", () => {
    expect(effects(endpoint(), null)).toEqual([
      { kind: "rate_limit_write" },
      { kind: "send", timeoutMs: Math.min(base.timeout_ms, budget) },
    ]);
  });

  it("a half-open breaker: the probe's claim between the slot and the send", () => {
    const ep = endpoint({ breaker_open_until: new Date(now.getTime() - 1000).toISOString() });
    expect(kinds(effects(ep, null))).toEqual(["rate_limit_write", "claim_probe", "send"]);
  });

  it.each(["disabled", "paused"] as const)(
    "a %s endpoint: parked (skipped) and acknowledged, no send",
    (status) => {
      const list = effects(endpoint({ status }), null);
      expect(kinds(list)).toEqual(["record_delivery", "ack"]);
      expect(list[0]).toMatchObject({ update: { status: "skipped", attempts: 0 } });
    },
  );

  it("a closed rate window: deferred on the lane, nothing recorded", () => {
    expect(effects(endpoint({ rate_limit: 5 }), null, { gate: "rate-limited" })).toEqual([
      expect.objectContaining({ kind: "resend", lane: "fast", why: "rate" }),
    ]);
  });
});

describe("effects after the request", () => {
  it("a 2xx: the delivery succeeded with its attempt, health sees a success, acknowledged", () => {
    const list = effects(endpoint(), answered(200));
    expect(kinds(list)).toEqual(["record_delivery", "record_health", "ack"]);
    expect(list[0]).toMatchObject({ update: { status: "succeeded", attempts: 1 }, attempt: true });
    expect(list[1]).toEqual({ kind: "record_health", ok: true });
  });

  it("a 503 with retries left: retrying, health sees a failure, a short wait on the message", () => {
    const list = effects(endpoint(), answered(503));
    expect(kinds(list)).toEqual(["record_delivery", "record_health", "retry_visibility"]);
    expect(list[2]).toEqual({ kind: "retry_visibility", seconds: 5 });
  });

  it("a 503 on the last attempt: failed, health sees it, dead-lettered", () => {
    const list = effects(endpoint({ max_retries: 0 }), answered(503));
    expect(kinds(list)).toEqual(["record_delivery", "record_health", "dead_letter"]);
    expect(list[0]).toMatchObject({ update: { status: "failed" } });
  });

  it("a 410 Gone: parked with its attempt, the endpoint disabled, acknowledged; no health", () => {
    const list = effects(endpoint(), answered(410));
    expect(kinds(list)).toEqual(["record_delivery", "disable", "ack"]);
    expect(list[1]).toEqual({ kind: "disable", by: "gone", lastError: GONE });
  });

  it("a deleted AWS target: disabled by target_deleted", () => {
    const list = effects(
      endpoint(),
      answered(404, { kind: "target-missing", message: "queue does not exist" }),
    );
    expect(list.find((e) => e.kind === "disable")).toMatchObject({ by: "target_deleted" });
  });

  it("cut at the shared lane's budget: the endpoint moves to the slow lane, the same attempt follows it", () => {
    const list = effects(endpoint({ timeout_ms: budget * 5 }), timedOut);
    expect(list).toEqual([
      { kind: "move_slow_lane", why: CUT_BY_BUDGET },
      expect.objectContaining({ kind: "resend", lane: "slow", delaySeconds: 0, why: "slow" }),
    ]);
  });
});
