/**
 * The counts a calibration compares, read off the production code's own metrics (core/delivery/
 * metrics.ts): the same counter on both sides, whether the handlers run on the local stack or
 * in the simulation (both in this process). Attempts are counted at the receivers instead.
 */
import { metrics } from "../../core/log/index.js";

/** Metric name → the calibration's name for it. */
const COUNTED = {
  DeliverySucceeded: "deliveries",
  DeliveryAttemptFailed: "failed_attempts",
  DeliveryMovedToSlowLane: "slow_lane_moves",
  EndpointBreakerOpened: "breaker_opens",
  DeliveryParked: "parked",
  DeliveryDeadLettered: "dead_letters",
  // Not a count the design decides: how often the trial gate (core/delivery/trial.ts) turned an
  // unproven endpoint's task away, which depends on the millisecond race that gives the local
  // stack's tail (docs/scale.md, "Calibration"). Shown beside the counts, not compared.
  DeliveryDeferredUnproven: "trial_deferrals",
} as const;

export type Counted = (typeof COUNTED)[keyof typeof COUNTED];
export type Counts = Record<Counted, number>;

/** Counts the metrics published from now until `stop()`; `seen` hears each as it comes. */
export function tallyMetrics(seen?: (counted: Counted, value: number) => void): {
  counts(): Counts;
  stop(): void;
} {
  const m = metrics();
  const saved = m.addMetric;
  const counts = Object.fromEntries(Object.values(COUNTED).map((n) => [n, 0])) as Counts;
  m.addMetric = ((name: string, unit: Parameters<typeof saved>[1], value: number) => {
    const counted = COUNTED[name as keyof typeof COUNTED];
    if (counted) counts[counted] += value;
    if (counted) seen?.(counted, value);
    return saved.call(m, name, unit, value);
  }) as typeof saved;
  const stop = () => {
    m.addMetric = saved;
  };
  return { counts: () => ({ ...counts }), stop };
}
