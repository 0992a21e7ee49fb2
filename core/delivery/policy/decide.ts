/**
 * The delivery decision, as one pure function (no I/O, no clock, no randomness of its own):
 * `decide(task, endpoint, outcome, ctx) → effects` (effects.ts), which the one executor
 * carries out (core/delivery/execute.ts, execute-now.ts).
 *
 * Called twice per task: before the request (`outcome` null: send, or not, and how long to
 * wait for it) and after it (what the outcome means). docs/delivery.md explains each rule;
 * test/delivery/decide.unit.test.ts is the table of them.
 *
 * Waits: up to `shortWaitSeconds` a retry is held as the message's visibility timeout;
 * longer ones leave the queue (a re-send with DelaySeconds up to 15 min, beyond that a
 * scheduler entry), so in-flight messages stay bounded whatever endpoints fail. A retry the
 * scheduler could not take goes round the queue until due (`notBefore`), never tried early.
 */
import { type Config, SQS_MAX_DELAY_SECONDS } from "../../config/index.js";
import {
  breakerState,
  type DeliveryRecord,
  type EndpointRecord,
  isSlow,
  type PayloadState,
  parksDeliveries,
  type SendOutcome,
} from "../../model/index.js";
import type { DeliveryUpdate } from "../records.js";
import { openUntil, parkDelaySeconds, refusedParkDelaySeconds } from "./breaker.js";
import { BREAKER_PARKED, closed, PARKED, PAYLOAD_GONE } from "./closed.js";
import { deliveredAlready } from "./delivered.js";
import {
  CUT_BY_BUDGET,
  type Effect,
  type Lane,
  type QueueEffect,
  type Resend,
  type Task,
} from "./effects.js";
import { nextStep } from "./next-step.js";
import { parkIfQueuedTooLong } from "./queue-age.js";
import { deferSeconds } from "./rate-limit.js";
import { stopOf } from "./stop.js";
import { type refused, trialDeferSeconds } from "./trial.js";

export interface DecideContext {
  now: Date;
  lane: Lane;
  /** This attempt's number (1-based), counted from the delivery's own record. */
  attempt: number;
  /** Whether the deployment has a slow lane to move slow endpoints to. */
  slowLane: boolean;
  config: Pick<Config, "retry" | "isolation">;
  random: () => number;
  /** Longest re-send delay (SQS: 15 min); longer waits go to the scheduler. */
  maxDelaySeconds?: number;
  /** The attempt is not due before this (the task's `due_at`, or its record's next attempt). */
  notBefore?: Date;
  /** When the message was put on its queue (SQS's SentTimestamp): the retention guard's input. */
  queuedAt?: Date;
  /**
   * The delivery's record, when the handler read it (only for a task the retention guard would
   * park: one read, not one per task): a copy of a task delivered already is acknowledged.
   */
  delivery?: DeliveryRecord;
  /**
   * Before a request, what the handler learnt when it acted on a `send`: the endpoint's rate
   * window was full (the task is deferred), another task won the half-open probe (parked), or
   * the event's payload is gone (pointer.ts `withBody`: the delivery ends so, no request), or
   * the unproven endpoint's trial is taken (policy/trial.ts `refused`), or the slow lane's cap on
   * a failing endpoint is reached (policy/slow-cap.ts: deferred as a rate-limited task).
   */
  gate?:
    | "rate-limited"
    | "probe-lost"
    | "slow-cap"
    | Exclude<PayloadState, "available">
    | ReturnType<typeof refused>;
}

export type Outcome = Pick<SendOutcome, "ok" | "status" | "failure" | "error" | "retryAfterSeconds">;

/** The delivery's new state, without an attempt of its own. */
const recorded = (update: DeliveryUpdate): Effect => ({ kind: "record_delivery", update });

/** The delivery ends with this state, its message acknowledged. */
const ended = (update: DeliveryUpdate): Effect[] => [recorded(update), { kind: "ack" }];

export function decide(
  task: Task,
  endpoint: EndpointRecord | undefined,
  outcome: Outcome | null,
  ctx: DecideContext,
): Effect[] {
  if (!endpoint) return ended(closed("abandoned", ctx.attempt - 1, "endpoint deleted"));
  // Near SQS's retention: parked and resumed as a fresh message (queue-age.ts). A copy of a task
  // already delivered is acknowledged, not parked: its `skipped` record would be newer than the
  // success, and the resume would send it again.
  const aged = outcome ? undefined : parkIfQueuedTooLong(ctx);
  if (aged) return deliveredAlready(ctx.delivery, task) ? [{ kind: "ack" }] : aged;
  // Parked, not queued: in the parked index, resumed when set active again; no failure counted.
  if (parksDeliveries(endpoint.status)) return ended(closed("skipped", ctx.attempt - 1, PARKED));
  return outcome ? afterRequest(task, endpoint, outcome, ctx) : beforeRequest(task, endpoint, ctx);
}

function beforeRequest(task: Task, endpoint: EndpointRecord, ctx: DecideContext): Effect[] {
  const made = ctx.attempt - 1;
  // Redelivered past the limit (a crash after the last attempt): no further request.
  if (made > endpoint.max_retries) {
    return [
      recorded(closed("failed", made, "retries exhausted")),
      { kind: "dead_letter", reason: "retries exhausted", attempts: made },
    ];
  }
  if (ctx.notBefore && ctx.notBefore.getTime() > ctx.now.getTime() + DUE_SLACK_MS) {
    return [waitOnQueue({ ...task, attempt_base: made }, ctx.notBefore, ctx)];
  }
  const breaker = breakerState(endpoint, ctx.now);
  if (breaker === "open") return park(task, endpoint.breaker_open_until!, made, ctx);
  if (ctx.lane === "fast" && ctx.slowLane && isSlow(endpoint, ctx.now)) {
    return [resend(task, made, { lane: "slow", delaySeconds: 0, why: "slow" })];
  }
  // Its last answer here was slow and its trial is taken (policy/trial.ts): turned away at once.
  if (ctx.gate === "slow-answers") {
    return [{ ...resend(task, made, { lane: "slow", delaySeconds: 0, why: "slow" }), immediate: true }];
  }
  if (ctx.gate === "expired" || ctx.gate === "erased") {
    return ended(closed(ctx.gate, made, PAYLOAD_GONE[ctx.gate]));
  }
  if (ctx.gate === "rate-limited") return deferred(task, ctx);
  if (ctx.gate === "unproven") return deferred(task, ctx, "unproven");
  if (ctx.gate === "slow-cap") return deferred(task, ctx, "slow-cap");
  if (ctx.gate === "probe-lost") {
    return park(task, openUntil(ctx.now, ctx.config.isolation, endpoint).toISOString(), made, ctx);
  }
  // The shared lane waits at most its budget; the slow lane waits the endpoint's own timeout.
  const budget = ctx.lane === "fast" && ctx.slowLane ? ctx.config.isolation.fastLaneBudgetMs : Infinity;
  // The gates first (execute-now.ts): a slot of the rate window, then, half-open, the probe.
  return [
    { kind: "rate_limit_write" },
    ...(breaker === "half-open" ? [{ kind: "claim_probe" } as const] : []),
    { kind: "send", timeoutMs: Math.min(endpoint.timeout_ms, budget) },
  ];
}

function afterRequest(task: Task, endpoint: EndpointRecord, outcome: Outcome, ctx: DecideContext): Effect[] {
  if (outcome.ok) {
    return [
      ...answered(outcome, ctx, { status: "succeeded", lastError: null, nextAttemptAt: null }),
      { kind: "ack" },
    ];
  }
  if (cutByBudget(endpoint, outcome, ctx)) {
    // Not the endpoint's failure, and not an attempt (no log item, no count, no record): the
    // same attempt again, in the lane that can wait for it (docs/delivery.md, "Slow lane").
    return [
      { kind: "move_slow_lane", why: CUT_BY_BUDGET },
      resend(task, ctx.attempt - 1, { lane: "slow", delaySeconds: 0, why: "slow" }),
    ];
  }
  const stop = stopOf(outcome);
  if (stop?.kind === "disable") {
    // Disabled by the executor (execute.ts); the delivery is parked until it is re-enabled.
    const update = closed("skipped", ctx.attempt, stop.reason, stop.by === "gone" ? 410 : outcome.status);
    return [
      { kind: "record_delivery", update, attempt: true },
      { kind: "disable", by: stop.by, lastError: stop.lastError },
      { kind: "ack" },
    ];
  }
  if (stop?.kind === "give-up") return giveUp(outcome, ctx, stop.reason);
  return retryOrGiveUp(task, endpoint, outcome, ctx);
}

/** Dead-lettered with this attempt recorded (replayable). */
const giveUp = (outcome: Outcome, ctx: DecideContext, reason: string): Effect[] => [
  ...answered(outcome, ctx, { status: "failed", nextAttemptAt: null }),
  { kind: "dead_letter", reason, attempts: ctx.attempt },
];

/**
 * What every answered attempt records: the delivery's new state (its count, the answer, then
 * `next`), the attempt's log item, and the outcome for the endpoint's health.
 */
function answered(
  outcome: Outcome,
  ctx: DecideContext,
  next: Pick<DeliveryUpdate, "status" | "nextAttemptAt"> & { lastError?: null },
): Effect[] {
  const update = { attempts: ctx.attempt, lastStatusCode: outcome.status, lastError: outcome.error, ...next };
  return [
    { kind: "record_delivery", update, attempt: true },
    { kind: "record_health", ok: outcome.ok },
  ];
}

/** A failed request: the next attempt waits its delay, or the retries are exhausted. */
function retryOrGiveUp(task: Task, endpoint: EndpointRecord, outcome: Outcome, ctx: DecideContext): Effect[] {
  const attempt = ctx.attempt;
  const step = nextStep(ctx.config, {
    attempt,
    maxRetries: endpoint.max_retries,
    retryAfterSeconds: outcome.retryAfterSeconds,
    random: ctx.random,
  });
  if (step.kind === "exhausted") {
    const reason = `retries exhausted after ${attempt} attempt(s): ${outcome.error ?? "failed"}`;
    return giveUp(outcome, ctx, reason);
  }
  const nextAttemptAt = new Date(ctx.now.getTime() + step.delaySeconds * 1000);
  const records = answered(outcome, ctx, { status: "retrying", nextAttemptAt });
  return [...records, waitEffect(task, attempt, step.seconds, nextAttemptAt, ctx)];
}

/** Where a retry waits: on the message (short), re-sent with a delay, or with the scheduler. */
function waitEffect(task: Task, attempt: number, seconds: number, at: Date, ctx: DecideContext): QueueEffect {
  if (seconds <= ctx.config.isolation.shortWaitSeconds) return { kind: "retry_visibility", seconds };
  const { due_at: _past, ...rest } = task;
  const next: Task = { ...rest, attempt_base: attempt };
  if (seconds <= (ctx.maxDelaySeconds ?? SQS_MAX_DELAY_SECONDS)) {
    return { kind: "resend", lane: ctx.lane, delaySeconds: seconds, task: next, why: "retry" };
  }
  return { kind: "schedule", at, task: next, orWait: waitOnQueue(next, at, ctx) };
}

/** How early a task may come back and still count as due (queue timers are whole seconds). */
const DUE_SLACK_MS = 1_000;

/**
 * A wait held on the lane's queue until `at`: re-sent with the longest delay SQS allows (or
 * what is left), carrying `due_at`, so each time it comes back early it goes round again.
 */
function waitOnQueue(
  task: Task,
  at: Date,
  ctx: Pick<DecideContext, "now" | "lane" | "maxDelaySeconds">,
): Resend {
  const left = Math.ceil((at.getTime() - ctx.now.getTime()) / 1000);
  const delaySeconds = Math.min(ctx.maxDelaySeconds ?? SQS_MAX_DELAY_SECONDS, Math.max(1, left));
  const next: Task = { ...task, due_at: at.toISOString() };
  return { kind: "resend", lane: ctx.lane, delaySeconds, task: next, why: "wait" };
}

/** A request the fast lane cut at its budget, shorter than the endpoint's own timeout. */
export function cutByBudget(endpoint: EndpointRecord, outcome: Outcome, ctx: DecideContext): boolean {
  const budget = ctx.config.isolation.fastLaneBudgetMs;
  return (
    ctx.lane === "fast" && ctx.slowLane && budget < endpoint.timeout_ms && outcome.failure?.kind === "timeout"
  );
}

/** The task, with the attempts made so far, re-sent to a lane: no attempt, no record. */
function resend(
  task: Task,
  made: number,
  to: { lane: Lane; delaySeconds: number; why: "park" | "slow" },
): Resend {
  return { kind: "resend", ...to, task: { ...task, attempt_base: made } };
}

/**
 * A task of an endpoint whose breaker is open until `until`: re-sent to come back when it may
 * half-open, while that fits a re-send's delay (15 min: about the outage's first hour). Beyond,
 * parked in the table (`skipped`, the parked index, as for a disabled endpoint): a long outage
 * costs a write per new task, not a re-send of every task every 15 min; the breaker's wake-up
 * and its closing resume them (core/delivery/health.ts `wakeWhenHalfOpen`, resume-run.ts).
 */
function park(task: Task, until: string, made: number, ctx: DecideContext): Effect[] {
  const maxDelayMs = (ctx.maxDelaySeconds ?? SQS_MAX_DELAY_SECONDS) * 1000;
  if (Date.parse(until) - ctx.now.getTime() > maxDelayMs) {
    // Refused (its log shards over their capacity: the backlog re-sent while the breaker was
    // young comes back at once), it is parked later from the queue, not held in flight.
    const orResend = resend(task, made, {
      lane: "fast",
      delaySeconds: refusedParkDelaySeconds(ctx.random),
      why: "park",
    });
    return [
      { kind: "record_delivery", update: closed("skipped", made, BREAKER_PARKED), orResend },
      { kind: "ack" },
    ];
  }
  const delaySeconds = parkDelaySeconds(until, ctx.now, ctx.random);
  return [resend(task, made, { lane: "fast", delaySeconds, why: "park" })];
}

/** Back on its lane's queue for the rate limit's next window, the trial's end or the slow cap's: not an attempt, no record. */
export function deferred(task: Task, ctx: Ctx, why: "rate" | "unproven" | "slow-cap" = "rate"): Effect[] {
  const deferrals = (task.deferrals ?? 0) + 1;
  const next: Task = { ...task, attempt_base: ctx.attempt - 1, deferrals };
  const delaySeconds = (why === "unproven" ? trialDeferSeconds : deferSeconds)(deferrals - 1, ctx.random);
  // Turned away by the trial gate: re-sent at once, not held with a batch its endpoint may hold.
  const turnedAway = why === "unproven" ? { immediate: true as const } : {};
  return [{ kind: "resend", lane: ctx.lane, delaySeconds, task: next, why, ...turnedAway }];
}

type Ctx = Pick<DecideContext, "attempt" | "lane" | "random">;
