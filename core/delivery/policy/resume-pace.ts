/**
 * The pace of a resume (docs/delivery.md, "A long outage leaves the queue"): after a long
 * outage, an endpoint's parked backlog goes back on the shared queue page after page within
 * one run, each page with an SQS delay that spreads the pages at a rate, and the next run is
 * scheduled for when this run's spread ends. Before, a run re-enqueued one page (1,000) and the
 * next came at EventBridge Scheduler's minute precision: about 17 deliveries/s for an endpoint
 * that took thousands. The rate bounds what one endpoint's backlog adds to the shared lane,
 * so the other tenants do not queue behind it. Pure.
 */
import { isolation, SQS_MAX_DELAY_SECONDS } from "../../config/index.js";
import type { EndpointRecord } from "../../model/index.js";

/**
 * Re-enqueued per second at most for an endpoint without a rate limit of its own: the
 * deployment's `isolation.resumePerSecond` (core/config/infra.ts) is the one a run uses.
 */
export const RESUME_PER_SECOND = isolation.resumePerSecond;

/** How long one run keeps re-enqueueing pages (the scheduled function's timeout is 60 s). */
export const RESUME_RUN_BUDGET_MS = 30_000;

/**
 * The rate one endpoint's parked deliveries go back on the queue: `ceiling` (the deployment's
 * pace), or its own limit if lower.
 */
export function resumePerSecond(
  endpoint: Pick<EndpointRecord, "rate_limit">,
  ceiling: number = RESUME_PER_SECOND,
): number {
  const own = Math.max(1, endpoint.rate_limit ?? Number.POSITIVE_INFINITY);
  return Math.min(ceiling, own);
}

/**
 * The most one page re-enqueues: `max`, or one delivery at a pace under one a second, where a
 * page of more would arrive at once (its deliveries share the page's delay).
 */
export function pageSize(max: number, perSecond: number): number {
  return perSecond < 1 ? 1 : max;
}

/** The SQS delay of the page after `sent` deliveries of this run: they arrive at `perSecond`. */
export function pageDelaySeconds(sent: number, perSecond: number): number {
  return Math.min(SQS_MAX_DELAY_SECONDS, Math.floor(sent / perSecond));
}

/**
 * Whether the run enqueues another page: more remain, its time budget is not spent, and the
 * page's delay still fits SQS's 15 min.
 */
export function anotherPage(p: {
  more: boolean;
  elapsedMs: number;
  sent: number;
  perSecond: number;
}): boolean {
  return (
    p.more && p.elapsedMs < RESUME_RUN_BUDGET_MS && Math.floor(p.sent / p.perSecond) < SQS_MAX_DELAY_SECONDS
  );
}

/**
 * The next run after a failed one (run-fallback.ts): EventBridge Scheduler's precision is a
 * minute. Here, not there, so resume-run.ts, which run-fallback.ts imports, reads it too.
 */
export const RUN_RETRY_SECONDS = 60;

/** When the next run starts: as this run's last page arrives, less the scheduler's minute of precision. */
export function nextRunAfterSeconds(sent: number, perSecond: number): number {
  return Math.max(0, Math.ceil(sent / perSecond) - 60);
}
