/** The delivery decision as a table: one row per rule of docs/delivery.md. */
import { describe, expect, it } from "vitest";
import { BREAKER_PARKED, PARKED } from "../../core/delivery/policy/closed.js";
import { type DecideContext, decide, type Outcome } from "../../core/delivery/policy/decide.js";
import { CUT_BY_BUDGET, type Effect, effectOf, queueEffect } from "../../core/delivery/policy/effects.js";
import { QUEUED_TOO_LONG } from "../../core/delivery/policy/queue-age.js";
import { newEndpointRecord } from "../../core/endpoints/record.js";
import type { DeliveryRecord } from "../../core/model/delivery.js";
import type { EndpointRecord } from "../../core/model/endpoint.js";
import type { SendFailure } from "../../core/model/send.js";
import { taskFor } from "../../core/model/task.js";

const now = new Date("2026-01-01T12:00:00Z");
const later = (s: number) => new Date(now.getTime() + s * 1000).toISOString();
const config: DecideContext["config"] = {
  retry: { scheduleSeconds: [5, 300, 1800, 7200], timeFactor: 1, jitter: 0 },
  isolation: {
    breakerFailures: 10,
    breakerCooldownSeconds: 60,
    fastLaneBudgetMs: 2000,
    slowLaneSeconds: 600,
    shortWaitSeconds: 60,
    breakerCooldownMaxSeconds: 3600,
    windowSeconds: 60,
    windowMinRequests: 20,
    breakerFailureRate: 0.8,
    slowFraction: 0.5,
    trialInFlight: 2,
    parkAfterQueuedSeconds: 604_800,
    resumePerSecond: 1000,
  },
};
const ctx = (over: Partial<DecideContext> = {}): DecideContext => ({
  now,
  lane: "fast",
  attempt: 1,
  slowLane: true,
  config,
  random: () => 0.5,
  ...over,
});
const endpoint = (over: Partial<EndpointRecord> = {}): EndpointRecord => ({
  ...newEndpointRecord({ org_id: "org_a", url: "https://example.com/h", secret: "whsec_x" }, now),
  ...over,
});
const task = taskFor(
  { org_id: "org_a", id: "msg_1", type: "t", created_at: now.toISOString(), agent_id: null, data: {} },
  "ep_1",
  "event",
);
const sent = (
  status: number | null,
  error: string | null = null,
  retryAfterSeconds: number | null = null,
): Outcome => ({
  ok: status !== null && status >= 200 && status < 300,
  status,
  failure: failureOf(status, error),
  error: error ?? (status === null || (status >= 200 && status < 300) ? error : `HTTP ${status}`),
  retryAfterSeconds,
});

/** What becomes of the task: its send (and whether it claims the half-open probe), or its queue effect. */
function verdict(effects: Effect[]) {
  const send = effectOf(effects, "send");
  return send ? { ...send, probe: effectOf(effects, "claim_probe") !== undefined } : queueEffect(effects);
}

/** The decision's other effects (records, health, the endpoint's change), by kind. */
function recordsOf(effects: Effect[]): Record<string, object> {
  const gates = new Set(["rate_limit_write", "claim_probe", "send"]);
  const rest = effects.filter((e) => e !== queueEffect(effects) && !gates.has(e.kind));
  return Object.fromEntries(rest.map(({ kind, ...fields }) => [kind, fields]));
}

/** The typed failure the send would have reported with that status and message. */
function failureOf(status: number | null, error: string | null): SendFailure | null {
  if (status !== null) return status >= 200 && status < 300 ? null : { kind: "status", status };
  const timeout = /^timed out after (\d+) ms/.exec(error ?? "");
  return timeout ? { kind: "timeout", afterMs: Number(timeout[1]) } : { kind: "other", message: error };
}

describe("before the request", () => {
  const rows: [string, EndpointRecord | undefined, Partial<DecideContext>, unknown][] = [
    ["deleted endpoint: abandoned", undefined, {}, { kind: "ack" }],
    [
      "disabled endpoint: parked (skipped), no request",
      endpoint({ status: "disabled" }),
      {},
      { kind: "ack" },
    ],
    [
      "past max_retries (a redelivery after a crash): dead-lettered, no request",
      endpoint({ max_retries: 2 }),
      { attempt: 4 },
      { kind: "dead_letter", reason: "retries exhausted", attempts: 3 },
    ],
    [
      "closed breaker, fast lane: send within the lane's budget",
      endpoint({ timeout_ms: 30_000 }),
      {},
      { kind: "send", timeoutMs: 2000, probe: false },
    ],
    [
      "no slow lane deployed: the endpoint's own timeout",
      endpoint({ timeout_ms: 30_000 }),
      { slowLane: false },
      { kind: "send", timeoutMs: 30_000, probe: false },
    ],
    [
      "slow lane: the endpoint's own timeout",
      endpoint({ timeout_ms: 30_000, slow_until: later(60) }),
      { lane: "slow" },
      { kind: "send", timeoutMs: 30_000, probe: false },
    ],
    [
      "slow endpoint in the fast lane: moved to the slow lane, no request",
      endpoint({ slow_until: later(60) }),
      {},
      { kind: "resend", lane: "slow", delaySeconds: 0, why: "slow" },
    ],
    [
      "slow flag expired: back in the fast lane",
      endpoint({ slow_until: later(-1) }),
      {},
      { kind: "send", probe: false },
    ],
    [
      "open breaker: parked until it may half-open (+ spread), no request",
      endpoint({ breaker_open_until: later(40) }),
      { attempt: 3 },
      { kind: "resend", lane: "fast", delaySeconds: 40 + 10, why: "park" },
    ],
    [
      "open breaker far ahead (beyond a 15 min re-send): parked in the table, acknowledged",
      endpoint({ breaker_open_until: later(5000) }),
      {},
      { kind: "ack" },
    ],
    [
      "open breaker 15 min ahead: re-sent, at most 15 min",
      endpoint({ breaker_open_until: later(900) }),
      {},
      { kind: "resend", delaySeconds: 900, why: "park" },
    ],
    [
      "breaker past its time: half-open, this task probes",
      endpoint({ breaker_open_until: later(-1) }),
      {},
      { kind: "send", probe: true },
    ],
  ];
  for (const [name, ep, over, action] of rows) {
    it(name, () => {
      expect(verdict(decide(task, ep, null, ctx(over)))).toMatchObject(action as object);
    });
  }

  it("records: abandoned and failed deliveries say why; parking and moving write nothing", () => {
    expect(recordsOf(decide(task, undefined, null, ctx({ attempt: 3 }))).record_delivery).toMatchObject({
      update: { status: "abandoned", attempts: 2, lastError: "endpoint deleted" },
    });
    // A disabled endpoint's delivery is parked in its record, resumed on re-enable.
    expect(recordsOf(decide(task, endpoint({ status: "disabled" }), null, ctx({ attempt: 3 })))).toEqual({
      record_delivery: {
        update: {
          status: "skipped",
          attempts: 2,
          lastStatusCode: null,
          lastError: PARKED,
          nextAttemptAt: null,
        },
      },
    });
    expect(recordsOf(decide(task, endpoint({ breaker_open_until: later(9) }), null, ctx()))).toEqual({});
    expect(recordsOf(decide(task, endpoint({ slow_until: later(9) }), null, ctx()))).toEqual({});
  });

  it("a breaker open longer than a re-send can wait (15 min): parked in the table, acknowledged", () => {
    const d = decide(task, endpoint({ breaker_open_until: later(901) }), null, ctx({ attempt: 4 }));
    expect(verdict(d)).toEqual({ kind: "ack" });
    expect(recordsOf(d)).toEqual({
      record_delivery: {
        update: {
          status: "skipped",
          attempts: 3,
          lastStatusCode: null,
          lastError: BREAKER_PARKED,
          nextAttemptAt: null,
        },
        // Its write refused, re-sent delayed (not held in flight) instead of acknowledged: park-writes.ts.
        orResend: {
          kind: "resend",
          lane: "fast",
          why: "park",
          task: { ...task, attempt_base: 3 },
          delaySeconds: 31,
        },
      },
    });
    // Within 15 min it still goes round the queue to make the probe.
    const near = decide(task, endpoint({ breaker_open_until: later(850) }), null, ctx({ attempt: 4 }));
    expect(verdict(near)).toMatchObject({ kind: "resend", why: "park" });
  });

  it("a parked or moved task keeps the attempts made so far", () => {
    const d = decide(task, endpoint({ breaker_open_until: later(9) }), null, ctx({ attempt: 4 }));
    expect(verdict(d)).toMatchObject({ kind: "resend", task: { ...task, attempt_base: 3 } });
  });
});

describe("the retention guard (a task queued past parkAfterQueuedSeconds)", () => {
  const queuedAt = new Date(now.getTime() - (config.isolation.parkAfterQueuedSeconds + 1) * 1000);

  it("is parked (skipped) once its endpoint's resume is scheduled: no request", () => {
    const d = decide(task, endpoint(), null, ctx({ attempt: 3, queuedAt }));
    expect(d.map((e) => e.kind)).toEqual(["resume_aged", "record_delivery", "ack"]);
    expect(recordsOf(d).record_delivery).toEqual({
      update: {
        status: "skipped",
        attempts: 2,
        lastStatusCode: null,
        lastError: QUEUED_TOO_LONG,
        nextAttemptAt: null,
      },
    });
  });

  it("acknowledges a copy of a task its delivery's record shows delivered: not parked, no request", () => {
    const record = (status: DeliveryRecord["status"], attempts: number): DeliveryRecord => ({
      org_id: task.org_id,
      msg_id: task.msg_id,
      endpoint_id: task.endpoint_id,
      event_type: task.event_type,
      status,
      attempts,
      last_status_code: status === "succeeded" ? 200 : null,
      last_error: null,
      next_attempt_at: null,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    });
    const delivered = decide(task, endpoint(), null, ctx({ queuedAt, delivery: record("succeeded", 1) }));
    expect(delivered).toEqual([{ kind: "ack" }]);
    // Not delivered (retrying), or the success is this task's own resend: parked as usual.
    for (const delivery of [record("retrying", 1), record("succeeded", 0)]) {
      const d = decide(task, endpoint(), null, ctx({ queuedAt, delivery }));
      expect(d.map((e) => e.kind)).toEqual(["resume_aged", "record_delivery", "ack"]);
    }
  });

  it("does not apply within the guard, in the ordered lane, or after a request", () => {
    const within = new Date(now.getTime() - config.isolation.parkAfterQueuedSeconds * 1000);
    expect(verdict(decide(task, endpoint(), null, ctx({ queuedAt: within })))?.kind).toBe("send");
    expect(verdict(decide(task, endpoint(), null, ctx({ queuedAt, lane: "ordered" })))?.kind).toBe("send");
    expect(verdict(decide(task, endpoint(), sent(200), ctx({ queuedAt })))?.kind).toBe("ack");
    expect(effectOf(decide(task, endpoint(), sent(200), ctx({ queuedAt })), "resume_aged")).toBeUndefined();
  });
});

describe("a task back before it is due (a refused schedule, an early redelivery)", () => {
  it("goes round again, at most 15 min at a time: no request, no record, the attempts kept", () => {
    const d = decide(task, endpoint(), null, ctx({ attempt: 3, notBefore: new Date(later(1500)) }));
    expect(verdict(d)).toEqual({
      kind: "resend",
      lane: "fast",
      delaySeconds: 900,
      why: "wait",
      task: { ...task, attempt_base: 2, due_at: later(1500) },
    });
    expect(recordsOf(d)).toEqual({});
    const last = decide(task, endpoint(), null, ctx({ attempt: 3, notBefore: new Date(later(40)) }));
    expect(verdict(last)).toMatchObject({ kind: "resend", delaySeconds: 40, why: "wait" });
  });

  it("is sent once due (a second early counts as due: queue timers are whole seconds)", () => {
    expect(verdict(decide(task, endpoint(), null, ctx({ notBefore: new Date(later(1)) })))?.kind).toBe(
      "send",
    );
    expect(verdict(decide(task, endpoint(), null, ctx({ notBefore: new Date(later(-60)) })))?.kind).toBe(
      "send",
    );
  });
});

describe("a send's gates (what the handler learnt acting on a send)", () => {
  it("a full rate window defers the task to a later window: no record, no attempt counted", () => {
    const d = decide(task, endpoint({ rate_limit: 5 }), null, ctx({ attempt: 3, gate: "rate-limited" }));
    expect(verdict(d)).toMatchObject({
      kind: "resend",
      lane: "fast",
      why: "rate",
      task: { attempt_base: 2, deferrals: 1 },
    });
    expect(recordsOf(d)).toEqual({});
    expect(verdict(d)).not.toHaveProperty("immediate");
  });

  it("an unproven endpoint's trial slots all in flight: the task goes round the queue, at once the first time", () => {
    const first = decide(task, endpoint(), null, ctx({ attempt: 2, gate: "unproven" }));
    expect(verdict(first)).toMatchObject({
      kind: "resend",
      lane: "fast",
      why: "unproven",
      delaySeconds: 0,
      task: { attempt_base: 1, deferrals: 1 },
    });
    expect(recordsOf(first)).toEqual({});
    // Re-sent by its record at once, not with the batch its endpoint's trial may hold.
    expect(verdict(first)).toMatchObject({ immediate: true });
    // Deferred again (its trial still unanswered): a second at least, as a rate-limited task.
    const again = decide({ ...task, deferrals: 1 }, endpoint(), null, ctx({ gate: "unproven" }));
    expect(verdict(again)).toMatchObject({ kind: "resend", lane: "fast", why: "unproven", delaySeconds: 1 });
  });

  it("an unproven endpoint whose last answer here was slow: the task goes to the slow lane, the endpoint is not moved", () => {
    const d = decide(task, endpoint(), null, ctx({ attempt: 2, gate: "slow-answers" }));
    expect(verdict(d)).toMatchObject({ kind: "resend", lane: "slow", why: "slow", delaySeconds: 0 });
    expect(verdict(d)).toMatchObject({ task: { attempt_base: 1 } });
    expect(recordsOf(d)).toEqual({});
    expect(d.some((e) => e.kind === "move_slow_lane")).toBe(false);
    expect(verdict(d)).toMatchObject({ immediate: true });
  });

  it("a lost half-open probe parks the task until the breaker may half-open again", () => {
    const ep = endpoint({ breaker_open_until: later(-1) });
    const d = decide(task, ep, null, ctx({ attempt: 2, gate: "probe-lost" }));
    // Re-armed cooldown 60 s, plus a spread of at most 30 s (random 0.5: 15 s).
    expect(verdict(d)).toMatchObject({ kind: "resend", lane: "fast", why: "park", delaySeconds: 75 });
    expect(verdict(d)).toMatchObject({ task: { attempt_base: 1 } });
    expect(recordsOf(d)).toEqual({});
  });

  it.each([
    ["expired", "the event's payload passed its retention before it was sent"],
    ["erased", "the event's payload was erased before it was sent"],
  ] as const)(
    "a payload %s ends the delivery so: acknowledged, no request, no attempt counted",
    (gone, why) => {
      const d = decide(task, endpoint(), null, ctx({ attempt: 3, gate: gone }));
      expect(verdict(d)).toEqual({ kind: "ack" });
      expect(recordsOf(d)).toEqual({
        record_delivery: {
          update: { status: gone, attempts: 2, lastStatusCode: null, lastError: why, nextAttemptAt: null },
        },
      });
    },
  );
});

describe("after the request", () => {
  const rows: [string, Outcome, Partial<DecideContext>, EndpointRecord, unknown, unknown][] = [
    [
      "2xx: succeeded, health ok",
      sent(200),
      {},
      endpoint(),
      { kind: "ack" },
      {
        record_delivery: { update: { status: "succeeded", attempts: 1 }, attempt: true },
        record_health: { ok: true },
      },
    ],
    [
      "5xx, 5 s retry: held on the message (short wait)",
      sent(500),
      {},
      endpoint(),
      { kind: "retry_visibility", seconds: 5 },
      {
        record_delivery: { update: { status: "retrying", attempts: 1, lastStatusCode: 500 } },
        record_health: { ok: false },
      },
    ],
    [
      "5xx, 5 min retry: re-sent with DelaySeconds (not in flight)",
      sent(503),
      { attempt: 2 },
      endpoint(),
      { kind: "resend", lane: "fast", delaySeconds: 300, why: "retry", task: { ...task, attempt_base: 2 } },
      { record_delivery: { update: { status: "retrying", attempts: 2 } } },
    ],
    [
      "a retry in the slow lane stays in the slow lane",
      sent(503),
      { attempt: 2, lane: "slow" },
      endpoint(),
      { kind: "resend", lane: "slow", delaySeconds: 300 },
      {},
    ],
    [
      "5xx, 30 min retry: the scheduler",
      sent(500),
      { attempt: 3 },
      endpoint(),
      {
        kind: "schedule",
        at: new Date(now.getTime() + 1_800_000),
        task: { ...task, attempt_base: 3 },
        // Should the scheduler not take it: on the queue, 15 min at a time, until it is due.
        orWait: {
          kind: "resend",
          delaySeconds: 900,
          why: "wait",
          task: { attempt_base: 3, due_at: later(1800) },
        },
      },
      {
        record_delivery: {
          update: { status: "retrying", nextAttemptAt: new Date(now.getTime() + 1_800_000) },
        },
      },
    ],
    [
      "Retry-After lengthens a wait within the schedule's bounds",
      sent(429, null, 120),
      {},
      endpoint(),
      { kind: "resend", delaySeconds: 120 },
      {},
    ],
    [
      "last retry failed: dead-lettered, failed",
      sent(500),
      { attempt: 3 },
      endpoint({ max_retries: 2 }),
      { kind: "dead_letter", attempts: 3 },
      { record_delivery: { update: { status: "failed", attempts: 3 } }, record_health: { ok: false } },
    ],
    [
      "410 Gone: parked (skipped), the endpoint disabled",
      sent(410),
      {},
      endpoint(),
      { kind: "ack" },
      { record_delivery: { update: { status: "skipped", lastStatusCode: 410 }, attempt: true }, disable: {} },
    ],
    [
      "no answer within the fast lane's budget: same attempt in the slow lane, endpoint marked slow",
      sent(null, "timed out after 2000 ms"),
      { attempt: 2 },
      endpoint({ timeout_ms: 30_000 }),
      { kind: "resend", lane: "slow", delaySeconds: 0, why: "slow", task: { ...task, attempt_base: 1 } },
      // Not an attempt: no log item, no delivery record, no health (docs/delivery.md).
      { move_slow_lane: { why: CUT_BY_BUDGET } },
    ],
    [
      "a timeout at the endpoint's own (shorter) timeout is a failure",
      sent(null, "timed out after 1000 ms"),
      {},
      endpoint({ timeout_ms: 1000 }),
      { kind: "retry_visibility" },
      { record_health: { ok: false } },
    ],
    [
      "a timeout in the slow lane is a failure",
      sent(null, "timed out after 30000 ms"),
      { lane: "slow" },
      endpoint({ timeout_ms: 30_000 }),
      { kind: "retry_visibility" },
      { record_health: { ok: false } },
    ],
  ];
  for (const [name, outcome, over, ep, action, records] of rows) {
    it(name, () => {
      const d = decide(task, ep, outcome, ctx(over));
      expect(verdict(d)).toMatchObject(action as object);
      expect(recordsOf(d)).toMatchObject(records as object);
    });
  }

  it("a moved request counts neither as a failure nor as a success", () => {
    const d = decide(task, endpoint({ timeout_ms: 30_000 }), sent(null, "timed out after 2000 ms"), ctx());
    expect(effectOf(d, "record_health")).toBeUndefined();
    expect(effectOf(d, "record_delivery")).toBeUndefined();
  });
});
