/**
 * The delivery decision on the AWS failure kinds (core/delivery/policy/stop.ts via decide.ts),
 * as pure rows: access denied and too large fail fast, a deleted target disables, throttling
 * and AWS 5xx retry on the schedule like an HTTP 503.
 */
import { describe, expect, it } from "vitest";
import { type DecideContext, decide, type Outcome } from "../../core/delivery/policy/decide.js";
import { effectOf, queueEffect } from "../../core/delivery/policy/effects.js";
import { newEndpointRecord } from "../../core/endpoints/record.js";
import { failureMessage, type SendFailure } from "../../core/model/send.js";
import { taskFor } from "../../core/model/task.js";
import { deploymentContext } from "../support/decide-context.js";

const now = new Date("2026-01-01T12:00:00Z");
const ctx: DecideContext = deploymentContext(now);
const endpoint = newEndpointRecord(
  { org_id: "org_a", url: "https://sqs.us-east-1.amazonaws.com/1/q", secret: "whsec_x" },
  now,
);
const task = taskFor(
  { org_id: "org_a", id: "msg_1", type: "t", created_at: now.toISOString(), agent_id: null, data: {} },
  endpoint.id,
  "event",
);
const failed = (failure: SendFailure, status: number | null = 400): Outcome => ({
  ok: false,
  status,
  failure,
  error: failureMessage(failure),
  retryAfterSeconds: null,
});

describe("AWS failures in the delivery decision", () => {
  it("access denied: dead-lettered after the first attempt, the attempt and last error recorded", () => {
    const d = decide(task, endpoint, failed({ kind: "access-denied", message: "no" }, 403), ctx);
    expect(queueEffect(d)).toEqual({
      kind: "dead_letter",
      reason: "not retried: access denied: no",
      attempts: 1,
    });
    expect(effectOf(d, "record_delivery")).toMatchObject({
      update: { status: "failed", lastError: "access denied: no" },
      attempt: true,
    });
    expect(effectOf(d, "record_health")).toEqual({ kind: "record_health", ok: false });
  });

  it("too large: dead-lettered at once", () => {
    const d = decide(
      task,
      endpoint,
      failed({ kind: "too-large", bytes: 300_000, limit: 262_144 }, null),
      ctx,
    );
    expect(queueEffect(d)?.kind).toBe("dead_letter");
  });

  it("a deleted target: the endpoint disabled, the delivery parked", () => {
    const d = decide(task, endpoint, failed({ kind: "target-missing", message: "QueueDoesNotExist" }), ctx);
    expect(queueEffect(d)).toEqual({ kind: "ack" });
    expect(effectOf(d, "disable")).toBeDefined();
    expect(effectOf(d, "record_delivery")).toMatchObject({ update: { status: "skipped" } });
  });

  it("throttling and AWS 5xx: retried on the schedule", () => {
    for (const f of [
      { kind: "throttled", message: "slow down" },
      { kind: "aws-error", code: "InternalError", status: 500, message: "x" },
    ] as SendFailure[]) {
      const d = decide(task, endpoint, failed(f), ctx);
      expect(queueEffect(d)).toEqual({ kind: "retry_visibility", seconds: 5 });
      expect(effectOf(d, "record_delivery")?.update).toMatchObject({ status: "retrying" });
    }
  });

  it("a 410 Gone still disables as before", () => {
    const d = decide(task, endpoint, failed({ kind: "status", status: 410 }, 410), ctx);
    expect(effectOf(d, "disable")).toBeDefined();
    expect(effectOf(d, "record_delivery")?.update).toMatchObject({ lastStatusCode: 410 });
  });
});
