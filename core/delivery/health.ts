/**
 * Endpoint health, coalesced: the handler calls `applyHealth` once per endpoint per batch
 * with what that batch saw, and it writes only when something changed meaningfully.
 *
 * - Success on a healthy endpoint: no write, except refreshing `last_delivery_at` at most
 *   once a minute per process (so it is accurate to about a minute, and the happy path
 *   costs no per-record write).
 * - Success on an unhealthy endpoint: one write resets the counters and returns a failing
 *   endpoint to active.
 * - Failures: one write adds the batch's count to `consecutive_failures`; at the start of a
 *   run one more sets `first_failure_at`; when the run has lasted `failingAfterHours` one
 *   more marks the endpoint failing and schedules the auto-disable check.
 * - A test event (`webhook.test`) answered with a 2xx: one write sets `last_verified_at`.
 */
import type { HealthMemo, Uses } from "../deps.js";
import { logger } from "../log/index.js";
import { type EndpointRecord, isSlow, scheduleName } from "../model/index.js";
import { breakerOpened, emitOperational, endpointFailing, endpointRecovered } from "../operational/index.js";
import { noticeAccessDenied } from "./access-denied.js";
import type { AutoDisableEvent } from "./maintenance-event.js";
import { publishBreakerOpened } from "./metrics.js";
import { openUntil, shouldOpen } from "./policy/breaker.js";
import { emptyWindow, failureRateTrips, medianTooSlow, observe } from "./policy/window.js";
import { resumeLater, wakeWhenHalfOpen } from "./wake.js";

export interface HealthObservation {
  ok: boolean;
  /** When the attempt started. */
  at: Date;
  error: string | null;
  /** The attempt delivered a test event (`webhook.test`): a 2xx sets `last_verified_at`. */
  test?: boolean;
  /** How long the endpoint took to answer (or to time out). */
  latencyMs?: number;
  /** An AWS destination refused the role or the call (access-denied.ts). */
  accessDenied?: boolean;
}

/** How stale `last_delivery_at` may get before a success refreshes it. */
export const LAST_DELIVERY_REFRESH_MS = 60_000;

/** What the health writes use of the root. */
type HealthDeps = Uses<
  | "healthStore"
  | "healthMemos"
  | "endpoints"
  | "scheduler"
  | "config"
  | "now"
  | "taskQueue"
  | "operationalBus"
>;

/** This process's memo of the endpoint's health writes (the root's `healthMemos`). */
function memoOf(deps: HealthDeps, endpoint: EndpointRecord): HealthMemo {
  const key = `${endpoint.org_id}/${endpoint.id}`;
  let memo = deps.healthMemos.get(key);
  if (!memo) {
    memo = {};
    deps.healthMemos.set(key, memo);
  }
  return memo;
}

const unhealthy = (e: EndpointRecord) =>
  e.status === "failing" ||
  !!e.breaker_open_until ||
  e.consecutive_failures > 0 ||
  e.first_failure_at !== null ||
  e.failing_since !== null;

/** `endpoint` is the (cached) record the batch was delivered with. */
export async function applyHealth(
  deps: HealthDeps,
  endpoint: EndpointRecord,
  observations: HealthObservation[],
): Promise<void> {
  if (observations.length === 0) return;
  const memo = memoOf(deps, endpoint);
  const now = deps.now().getTime();
  const successes = observations.filter((o) => o.ok);
  // Opened on the window's failure rate: a success in this same batch must not close it again.
  const opened = await judgeWindow(deps, endpoint, observations, memo);
  await noticeAccessDenied(deps, endpoint, observations);

  const verified = successes.filter((o) => o.test);
  if (verified.length > 0) {
    const at = new Date(Math.max(...verified.map((o) => o.at.getTime()))).toISOString();
    await deps.healthStore.recordVerified(endpoint, at);
  }

  if (opened) return;
  if (successes.length > 0) return applySuccesses(deps, endpoint, successes, memo, now);
  memo.healedAt = undefined;
  // The cached record may not show these failures yet: the next success must reset the run.
  memo.failedSinceHeal = true;
  return applyFailures(deps, endpoint, observations, now);
}

/** At least one success: reset an unhealthy endpoint, or refresh a stale `last_delivery_at`. */
async function applySuccesses(
  deps: HealthDeps,
  endpoint: EndpointRecord,
  successes: HealthObservation[],
  memo: HealthMemo,
  now: number,
): Promise<void> {
  // The cache may still show the state from before our own reset: trust the memo for that long.
  const cacheMs = deps.config.endpointCacheSeconds * 1000 + 1000;
  const healedRecently = memo.healedAt !== undefined && now - memo.healedAt < cacheMs;
  const stored = endpoint.last_delivery_at ? Date.parse(endpoint.last_delivery_at) : 0;
  const lastKnown = Math.max(stored, memo.lastDeliveryAt ?? 0);
  const latest = Math.max(...successes.map((o) => o.at.getTime()));
  const stale = latest - lastKnown >= LAST_DELIVERY_REFRESH_MS;
  // A failure this process recorded since its last reset counts even when the cached record
  // predates it: otherwise failures between successes (200, 500, 200, 500 …) add up as a "run".
  const failed = unhealthy(endpoint) || memo.failedSinceHeal === true;
  if (!((failed && !healedRecently) || stale)) return;
  const at = new Date(Math.max(latest, lastKnown)).toISOString();
  const written = await deps.healthStore.recordHealthy(endpoint, at);
  if (!written) return;
  if (endpoint.breaker_open_until) {
    // This process must not keep delivering with the breaker it just closed (cached).
    deps.endpoints.invalidate(endpoint.org_id);
    // What was parked in the table while it stayed open follows (one run for every process
    // that saw this same breaker close: the key names it).
    await resumeLater(deps, endpoint, { kind: "breaker-closed", openUntil: endpoint.breaker_open_until });
  }
  memo.healedAt = now;
  memo.failedSinceHeal = false;
  memo.lastDeliveryAt = Date.parse(at);
  if (endpoint.status === "failing") {
    logger.info("endpoint recovered", { org_id: endpoint.org_id, endpoint_id: endpoint.id });
    await emitOperational(deps, [endpointRecovered(endpoint, deps.now())]);
  }
}

/** Only failures: count them, maybe open the breaker, start the run, mark the endpoint failing. */
async function applyFailures(
  deps: HealthDeps,
  endpoint: EndpointRecord,
  observations: HealthObservation[],
  now: number,
): Promise<void> {
  const last = observations.reduce((a, b) => (b.at >= a.at ? b : a));
  const updated = await deps.healthStore.recordFailures(endpoint, {
    count: observations.length,
    lastError: last.error ?? "delivery failed",
    at: last.at.toISOString(),
  });
  if (!updated) return; // deleted meanwhile
  await maybeOpenBreaker(deps, updated);
  let firstFailureAt = updated.first_failure_at;
  if (!firstFailureAt) {
    const earliest = observations.reduce((a, b) => (b.at < a.at ? b : a));
    const at = earliest.at.toISOString();
    if (!(await deps.healthStore.startFailureRun(endpoint, at))) return; // another writer started it
    firstFailureAt = at;
  }
  if (updated.status !== "active") return;
  const failingAfterMs = deps.config.health.failingAfterHours * 3_600_000;
  if (now - Date.parse(firstFailureAt) < failingAfterMs) return;

  const since = new Date(now).toISOString();
  if (!(await deps.healthStore.markFailing(endpoint, { firstFailureAt, since }))) return;
  logger.warn("endpoint failing", {
    org_id: endpoint.org_id,
    endpoint_id: endpoint.id,
    first_failure_at: firstFailureAt,
    consecutive_failures: updated.consecutive_failures,
  });
  await emitOperational(deps, [endpointFailing(updated, { firstFailureAt, since })]);
  await scheduleAutoDisable(deps, endpoint, { failingSince: since, firstFailureAt });
}

/**
 * What this process's window of the endpoint's attempts says (policy/window.ts): the breaker
 * opens on a failure rate, the endpoint moves to the slow lane on its median latency. True
 * when it opened the breaker.
 */
async function judgeWindow(
  deps: HealthDeps,
  endpoint: EndpointRecord,
  observations: HealthObservation[],
  memo: HealthMemo,
): Promise<boolean> {
  const s = deps.config.isolation;
  for (const o of observations) {
    const seen = { atMs: o.at.getTime(), ok: o.ok, latencyMs: o.latencyMs ?? 0 };
    memo.window = observe(memo.window ?? emptyWindow(), seen, s);
  }
  const now = deps.now();
  if (!endpoint.breaker_open_until && failureRateTrips(memo.window!, now.getTime(), s)) {
    memo.window = emptyWindow();
    return openBreakerNow(deps, endpoint, "failure rate");
  }
  if (!isSlow(endpoint, now) && medianTooSlow(memo.window!, now.getTime(), s)) {
    memo.window = emptyWindow();
    await moveToSlowLane(deps, endpoint, now, "its median answer is near the budget");
  }
  return false;
}

/**
 * Moves the endpoint to the slow lane for `slowLaneSeconds`, unless it is there already.
 * Written at once (not with the batch) and the directory invalidated: the other pollers of
 * this process must see it now.
 */
export async function moveToSlowLane(
  deps: Uses<"healthStore" | "endpoints" | "config">,
  endpoint: EndpointRecord,
  now: Date,
  why: string,
): Promise<void> {
  if (isSlow(endpoint, now)) return;
  const until = new Date(now.getTime() + deps.config.isolation.slowLaneSeconds * 1000).toISOString();
  if (!(await deps.healthStore.markSlow(endpoint, until))) return; // deleted meanwhile
  deps.endpoints.invalidate(endpoint.org_id);
  logger.info("endpoint moved to the slow lane", {
    why,
    org_id: endpoint.org_id,
    endpoint_id: endpoint.id,
    until,
  });
}

/** Opens the breaker once the run of failures reaches the threshold (docs/delivery.md). */
async function maybeOpenBreaker(deps: HealthDeps, updated: EndpointRecord): Promise<void> {
  if (!shouldOpen(updated, deps.config.isolation)) return;
  await openBreakerNow(deps, updated, "consecutive failures");
}

async function openBreakerNow(deps: HealthDeps, updated: EndpointRecord, why: string): Promise<boolean> {
  const until = openUntil(deps.now(), deps.config.isolation, updated).toISOString();
  if (!(await deps.healthStore.openBreaker(updated, until))) return false;
  deps.endpoints.invalidate(updated.org_id);
  await wakeWhenHalfOpen(deps, { ...updated, breaker_open_until: until });
  publishBreakerOpened();
  logger.warn("endpoint breaker opened", {
    why,
    org_id: updated.org_id,
    endpoint_id: updated.id,
    consecutive_failures: updated.consecutive_failures,
    open_until: until,
  });
  await emitOperational(deps, [breakerOpened(updated, until, deps.now())]);
  return true;
}

/**
 * The auto-disable timer: `disableAfterDays` after the run of failures began (Svix: "all
 * attempts failing for 5 days"), not after the endpoint became failing, which added
 * `failingAfterHours` to it; never before the endpoint is failing. The timer names the
 * failing run (`failing_since`), so a newer run or a success makes it a no-op.
 */
export async function scheduleAutoDisable(
  deps: Uses<"scheduler" | "config">,
  endpoint: EndpointRecord,
  run: { failingSince: string; firstFailureAt: string },
) {
  const { failingSince, firstFailureAt } = run;
  const event: AutoDisableEvent = {
    kind: "endpoint.auto_disable",
    org_id: endpoint.org_id,
    endpoint_id: endpoint.id,
    failing_since: failingSince,
  };
  const due = Date.parse(firstFailureAt) + deps.config.health.disableAfterDays * 86_400_000;
  const at = new Date(Math.max(Date.parse(failingSince), due));
  await deps.scheduler.schedule({
    name: scheduleName("disable", endpoint.id, String(Math.floor(Date.parse(failingSince) / 1000))),
    at,
    target: "maintenance",
    body: JSON.stringify(event),
  });
}
