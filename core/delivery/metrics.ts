/**
 * Per-batch delivery metrics: successes, failed attempts, dead-letters, abandoned tasks and
 * response latency, published once per invocation (namespace `hookrelay/<stage>` on AWS,
 * core/log/metrics.ts).
 *
 * Two kinds of figures: the customers' business (`DeliveryDeadLettered`: retries exhausted on
 * their endpoints, shown on the dashboard, never paged on) and the service's own failures
 * (`DeliveryTaskInvalid`, `DeliveryHandlerError`: paged on, infra/alarms.ts).
 */
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { metrics } from "../log/index.js";

export interface DeliveryOutcome {
  kind:
    | "succeeded"
    | "attempt-failed"
    | "dead-lettered"
    | "invalid"
    | "abandoned"
    | "parked"
    | "rate-limited"
    | "deferred-unproven"
    | "deferred-slow-cap"
    | "waiting"
    | "moved-to-slow-lane"
    | "fail";
  latencyMs?: number;
}

const names: Record<DeliveryOutcome["kind"], string> = {
  succeeded: "DeliverySucceeded",
  "attempt-failed": "DeliveryAttemptFailed",
  "dead-lettered": "DeliveryDeadLettered",
  invalid: "DeliveryTaskInvalid",
  abandoned: "DeliveryAbandoned",
  parked: "DeliveryParked",
  "rate-limited": "DeliveryRateLimited",
  /** An unproven endpoint's task while its trial requests were in flight (policy/trial.ts): back on the queue, no request. */
  "deferred-unproven": "DeliveryDeferredUnproven",
  /** A failing endpoint's slow-lane task while its cap was reached (policy/slow-cap.ts): back on the queue, no request. */
  "deferred-slow-cap": "DeliveryDeferredSlowCap",
  /** A retry that came back before it was due (its schedule refused): back on the queue, no request. */
  waiting: "DeliveryWaiting",
  "moved-to-slow-lane": "DeliveryMovedToSlowLane",
  fail: "DeliveryHandlerError",
};

/** Every kind of outcome (the record above is exhaustive): what test/operational/metric-names checks. */
export const DELIVERY_OUTCOME_KINDS = Object.keys(names) as DeliveryOutcome["kind"][];

export function publishDeliveryMetrics(outcomes: DeliveryOutcome[]): void {
  if (outcomes.length === 0) return;
  const m = metrics();
  const counts = new Map<string, number>();
  for (const o of outcomes) {
    counts.set(names[o.kind], (counts.get(names[o.kind]) ?? 0) + 1);
    if (o.latencyMs !== undefined) m.addMetric("DeliveryLatency", MetricUnit.Milliseconds, o.latencyMs);
  }
  for (const [name, n] of counts) m.addMetric(name, MetricUnit.Count, n);
  m.publishStoredMetrics();
}

/**
 * A scheduled endpoint run failed and scheduled its next run instead of failing its invocation
 * (run-fallback.ts): it never reaches the scheduler DLQ, so this metric is what pages when it
 * keeps failing (alarm `ScheduledRunsFailing`, infra/alarms.ts).
 */
export function publishScheduledRunRetried(): void {
  const m = metrics();
  m.addMetric("ScheduledRunRetried", MetricUnit.Count, 1);
  m.publishStoredMetrics();
}

/** An endpoint's circuit breaker opened (its deliveries are parked until a probe succeeds). */
export function publishBreakerOpened(): void {
  const m = metrics();
  m.addMetric("EndpointBreakerOpened", MetricUnit.Count, 1);
  m.publishStoredMetrics();
}
