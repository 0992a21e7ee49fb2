/**
 * The delivery function: SQS-triggered, partial batch responses, the records of a batch
 * delivered concurrently.
 *
 * Per record: parse the task, look the endpoint up (cached), sign and POST, then decide.
 * Everything that needs AWS is collected and done once per batch afterwards:
 * - attempt + delivery items: BatchWriteItem (25 per request);
 * - endpoint health: at most one update per endpoint per batch, none on a healthy happy path;
 * - retries: ChangeMessageVisibilityBatch for the batch's failures, which are also reported
 *   in `batchItemFailures` so SQS keeps them and hands them back after the delay;
 * - delays longer than a visibility timeout may be: a scheduler entry re-sends the task
 *   (attempt_base carries the attempts so far) and the record is acknowledged;
 * - exhausted retries and invalid tasks: the delivery DLQ, with the reason as attributes.
 * The queue's own redrive (maxReceiveCount) remains the safety net for crashed invocations.
 */
import { createHash } from "node:crypto";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { SQS_MAX_VISIBILITY_SECONDS } from "../config/infra.js";
import type { Deps } from "../deps.js";
import { endpointOf } from "../endpoints/cache.js";
import { logger } from "../log/logger.js";
import type { EndpointRecord } from "../model/endpoint.js";
import { type DeliveryTask, deliveryTask } from "../model/task.js";
import { type DeadLetter, deadLetter } from "../queue/dead-letter.js";
import { changeVisibility } from "../queue/visibility.js";
import { type ScheduleEntry, scheduleName } from "../scheduler/scheduler.js";
import { attemptItem } from "../store/attempts.js";
import { putAll } from "../store/batch-write.js";
import { getDelivery } from "../store/deliveries.js";
import { ttlAfter } from "../store/keys.js";
import { attemptDelivery } from "./attempt.js";
import { applyHealth, type HealthObservation } from "./health.js";
import { type DeliveryOutcome, publishDeliveryMetrics } from "./metrics.js";
import { nextStep, retriesLeft } from "./next-step.js";
import { deliveryRecordItem } from "./records.js";

/** Room between the longest visibility we set and SQS's 12 h cap (counted from the receive). */
export const VISIBILITY_MARGIN_SECONDS = 15 * 60;

export interface DeliveryHandlerOptions {
  /** Longest delay held by a visibility timeout; longer ones go through the scheduler. */
  maxVisibilitySeconds?: number;
  random?: () => number;
}

type Action =
  | { kind: "ack" }
  | { kind: "visibility"; seconds: number }
  | { kind: "schedule"; entry: ScheduleEntry; fallbackSeconds: number }
  | { kind: "dead-letter"; letter: DeadLetter }
  /** Unexpected error: leave the record on the queue untouched (it returns after the queue's timeout). */
  | { kind: "fail" };

interface Processed {
  record: SQSRecord;
  action: Action;
  items: Record<string, unknown>[];
  health?: { endpoint: EndpointRecord; observation: HealthObservation };
}

export function createDeliveryHandler(
  deps: Deps,
  options: DeliveryHandlerOptions = {},
): (event: SQSEvent) => Promise<SQSBatchResponse> {
  const maxVisibility =
    options.maxVisibilitySeconds ?? SQS_MAX_VISIBILITY_SECONDS - VISIBILITY_MARGIN_SECONDS;
  const random = options.random ?? Math.random;

  return async (event) => {
    const processed = await Promise.all(
      event.Records.map((record) =>
        processRecord(deps, record, maxVisibility, random).catch((err: unknown): Processed => {
          logger.error("delivery record failed unexpectedly", {
            message_id: record.messageId,
            error: (err as Error)?.message,
          });
          return { record, action: { kind: "fail" }, items: [] };
        }),
      ),
    );
    const failures = await finishBatch(deps, processed);
    publishDeliveryMetrics(processed.map(outcomeOf));
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

/** What a processed record counts as in the metrics. */
function outcomeOf(p: Processed): DeliveryOutcome {
  const latency = p.items.find((i) => typeof i.latency_ms === "number")?.latency_ms as number | undefined;
  if (p.action.kind === "fail") return { kind: "fail" };
  if (p.action.kind === "dead-letter") return { kind: "dead-lettered", latencyMs: latency };
  if (!p.health) return { kind: "abandoned" };
  return { kind: p.health.observation.ok ? "succeeded" : "attempt-failed", latencyMs: latency };
}

async function processRecord(
  deps: Deps,
  record: SQSRecord,
  maxVisibility: number,
  random: () => number,
): Promise<Processed> {
  const task = parseTask(record.body);
  if (!task.ok) {
    logger.warn("invalid delivery task dead-lettered", { message_id: record.messageId, reason: task.reason });
    return {
      record,
      items: [],
      action: {
        kind: "dead-letter",
        letter: { id: record.messageId, body: record.body, reason: task.reason },
      },
    };
  }
  const t = task.task;
  const receiveCount = Number(record.attributes.ApproximateReceiveCount) || 1;
  const attempt = t.attempt_base + receiveCount;
  const ids = { org_id: t.org_id, msg_id: t.msg_id, endpoint_id: t.endpoint_id };

  const endpoint = await endpointOf(deps, t.org_id, t.endpoint_id);
  if (!endpoint || endpoint.status === "disabled") {
    const reason = endpoint ? "endpoint disabled" : "endpoint deleted";
    logger.info("delivery abandoned", { ...ids, reason });
    const item = deliveryRecordItem(deps, t, {
      status: "abandoned",
      attempts: attempt - 1,
      lastStatusCode: null,
      lastError: reason,
      nextAttemptAt: null,
    });
    return { record, items: [item], action: { kind: "ack" } };
  }

  // Redelivered past the limit (a crash after the last attempt): no further request.
  if (!retriesLeft(attempt - 1, endpoint.max_retries)) {
    // That last attempt may have succeeded (the crash came before the acknowledgement): then
    // there is nothing to fail or dead-letter.
    const current = await getDelivery(deps.db, t.org_id, t.msg_id, t.endpoint_id);
    if (current?.status === "succeeded") return { record, items: [], action: { kind: "ack" } };
    const item = deliveryRecordItem(deps, t, {
      status: "failed",
      attempts: attempt - 1,
      lastStatusCode: null,
      lastError: "retries exhausted",
      nextAttemptAt: null,
    });
    return {
      record,
      items: [item],
      action: { kind: "dead-letter", letter: letterOf(record, t, attempt - 1, "retries exhausted") },
    };
  }

  const { outcome, record: attemptRecord, startedAt } = await attemptDelivery(deps, endpoint, t, attempt);
  const attemptTtl = ttlAfter(startedAt, deps.config.retention.attemptDays * 86_400);
  const items = [attemptItem(attemptRecord, attemptTtl)];
  const health = { endpoint, observation: { ok: outcome.ok, at: startedAt, error: outcome.error } };

  if (outcome.ok) {
    items.push(
      deliveryRecordItem(deps, t, {
        status: "succeeded",
        attempts: attempt,
        lastStatusCode: outcome.status,
        lastError: null,
        nextAttemptAt: null,
      }),
    );
    return { record, items, health, action: { kind: "ack" } };
  }

  const step = nextStep(
    deps.config,
    attempt,
    endpoint.max_retries,
    outcome.retryAfterSeconds,
    maxVisibility,
    random,
  );
  logger.info("delivery attempt failed", {
    ...ids,
    attempt,
    status: outcome.status,
    error: outcome.error,
    next: step.kind,
  });
  const failed = { attempts: attempt, lastStatusCode: outcome.status, lastError: outcome.error };
  if (step.kind === "exhausted") {
    items.push(deliveryRecordItem(deps, t, { ...failed, status: "failed", nextAttemptAt: null }));
    const reason = `retries exhausted after ${attempt} attempt(s): ${outcome.error ?? "failed"}`;
    return {
      record,
      items,
      health,
      action: { kind: "dead-letter", letter: letterOf(record, t, attempt, reason) },
    };
  }
  const nextAt = new Date(startedAt.getTime() + step.delaySeconds * 1000);
  items.push(deliveryRecordItem(deps, t, { ...failed, status: "retrying", nextAttemptAt: nextAt }));
  if (step.kind === "visibility") {
    return { record, items, health, action: { kind: "visibility", seconds: step.visibilitySeconds } };
  }
  const next: DeliveryTask = { ...t, attempt_base: attempt };
  return {
    record,
    items,
    health,
    action: {
      kind: "schedule",
      entry: {
        name: retryScheduleName(t, attempt),
        at: nextAt,
        target: "delivery",
        body: JSON.stringify(next),
      },
      fallbackSeconds: maxVisibility,
    },
  };
}

function parseTask(body: string): { ok: true; task: DeliveryTask } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, reason: "invalid task: body is not JSON" };
  }
  const res = deliveryTask.safeParse(json);
  if (!res.success) {
    const where = res.error.issues.map((i) => i.path.join(".") || "(root)").join(", ");
    return { ok: false, reason: `invalid task: ${where}` };
  }
  return { ok: true, task: res.data };
}

function letterOf(record: SQSRecord, t: DeliveryTask, attempts: number, reason: string): DeadLetter {
  return {
    id: record.messageId,
    body: record.body,
    reason,
    attempts,
    orgId: t.org_id,
    endpointId: t.endpoint_id,
  };
}

/** Unique per (delivery, attempt) and within EventBridge's 64 characters. */
function retryScheduleName(t: DeliveryTask, attempt: number): string {
  const digest = createHash("sha256")
    .update(`${t.org_id}\u0000${t.msg_id}\u0000${t.endpoint_id}`)
    .digest("hex");
  return scheduleName("retry", String(attempt), digest.slice(0, 40));
}

/** Does the batch's AWS work; returns the message ids to report in batchItemFailures. */
async function finishBatch(deps: Deps, processed: Processed[]): Promise<string[]> {
  const failures: string[] = [];
  const items = processed.flatMap((p) => p.items);

  const writes = putAll(deps.db, items).catch((err: unknown) => {
    // The attempts happened; failing the batch would only repeat them. The log loses entries.
    logger.error("delivery log write failed", { items: items.length, error: (err as Error)?.message });
  });

  const byEndpoint = new Map<string, { endpoint: EndpointRecord; observations: HealthObservation[] }>();
  for (const p of processed) {
    if (!p.health) continue;
    const key = `${p.health.endpoint.org_id}/${p.health.endpoint.id}`;
    const group = byEndpoint.get(key) ?? { endpoint: p.health.endpoint, observations: [] };
    group.observations.push(p.health.observation);
    byEndpoint.set(key, group);
  }
  const health = Promise.all(
    [...byEndpoint.values()].map((g) =>
      applyHealth(deps, g.endpoint, g.observations).catch((err: unknown) => {
        logger.error("endpoint health update failed", {
          org_id: g.endpoint.org_id,
          endpoint_id: g.endpoint.id,
          error: (err as Error)?.message,
        });
      }),
    ),
  );

  const queueWork = (async () => {
    const letters = processed.flatMap((p) => (p.action.kind === "dead-letter" ? [p.action.letter] : []));
    const notLettered = await deadLetter(deps, letters);
    failures.push(...notLettered);

    const visibility: { receiptHandle: string; seconds: number }[] = [];
    await Promise.all(
      processed.map(async (p) => {
        if (p.action.kind !== "schedule") return;
        try {
          await deps.scheduler.schedule(p.action.entry);
        } catch (err) {
          logger.error("retry schedule failed; holding the message instead", {
            message_id: p.record.messageId,
            error: (err as Error)?.message,
          });
          visibility.push({ receiptHandle: p.record.receiptHandle, seconds: p.action.fallbackSeconds });
          failures.push(p.record.messageId);
        }
      }),
    );
    for (const p of processed) {
      if (p.action.kind === "visibility") {
        visibility.push({ receiptHandle: p.record.receiptHandle, seconds: p.action.seconds });
        failures.push(p.record.messageId);
      } else if (p.action.kind === "fail") failures.push(p.record.messageId);
    }
    const refused = await changeVisibility(deps.sqs, deps.config.queues.delivery, visibility);
    if (refused > 0)
      logger.warn("visibility change refused; retries come back after the queue default", { refused });
  })();

  await Promise.all([writes, health, queueWork]);
  return [...new Set(failures)];
}
