/**
 * Endpoint health, coalesced: the handler calls `applyHealth` once per endpoint per batch
 * with what that batch saw, and it writes only when something changed meaningfully.
 *
 * - Success on a healthy endpoint: no write, except refreshing `last_delivery_at` at most
 *   once a minute per process (so it is accurate to about a minute, and the happy path
 *   costs no per-record write).
 * - Success on an unhealthy endpoint: one write resets the counters and returns a failing
 *   endpoint to active.
 * - Failures: one write adds what this process counted to `consecutive_failures`, at most
 *   once per `FAILURE_WRITE_SPACING_MS` (5 s) per endpoint, the first at once (the rest held
 *   meanwhile: policy/write-behind.ts says why and what that delays); at the start of a run
 *   one more sets `first_failure_at`; when the run has lasted `failingAfterHours` one more
 *   marks the endpoint failing and schedules the auto-disable check.
 * - A test event (`webhook.test`) answered with a 2xx: one write sets `last_verified_at`.
 * - The breaker and the slow lane are judged on every outcome as it is seen (this process's
 *   window), whether its write is made or held; the breaker's opening is written at once.
 *
 * The writes are tried once when throttled (`healthStore.triedOnce`): a refused one is held
 * and written later, never waited out with the batch nor dropped. The thresholds (when to
 * write, when failing, when the breaker opens) are policy/health.ts's; this module makes the
 * writes, health-held.ts keeps the memos.
 */
import type { HealthMemo, Uses } from "../deps.js";
import { logger } from "../log/index.js";
import type { EndpointRecord, HealthObservation } from "../model/index.js";
import { breakerOpened, emitOperational, endpointFailing, endpointRecovered } from "../operational/index.js";
import { noticeAccessDenied } from "./access-denied.js";
import { scheduleAutoDisable } from "./auto-disable.js";
import { dueHeld, hold, memoOf, release, stopHolding } from "./health-held.js";
import { publishBreakerOpened } from "./metrics.js";
import { openUntil } from "./policy/breaker.js";
import { becomesFailing, successWrite, type Trip, windowVerdict } from "./policy/health.js";
import { emptyWindow, observe } from "./policy/window.js";
import { retryDelayMs, weight, writeDueAt } from "./policy/write-behind.js";
import { moveToSlowLane } from "./slow-lane.js";
import { resumeLater, wakeWhenHalfOpen } from "./wake.js";

export type { HealthObservation };

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

/**
 * `endpoint` is the (cached) record the batch was delivered with. Never throws and never
 * drops: what is not written now (a refused write, or failures within the spacing) is held in
 * the memo and written with the endpoint's next batch, by `flushHeldHealth`, or by the
 * process's timer, once due (policy/write-behind.ts). `due`: written now whatever the spacing
 * or a refused write's backoff (a stopping process, `writeAllHeldHealth`).
 */
export async function applyHealth(
  deps: HealthDeps,
  endpoint: EndpointRecord,
  observations: HealthObservation[],
  { due = false }: { due?: boolean } = {},
): Promise<void> {
  const memo = memoOf(deps, endpoint);
  const now = deps.now().getTime();
  const all = [...(memo.held ?? []), ...observations];
  if (all.length === 0) return;
  // Taken before any wait, so a batch or the timer running meanwhile cannot write them twice.
  release(deps, endpoint, memo);
  const written = { failures: false };
  try {
    // Each outcome enters the window once, when seen, whether its write is made or held (held
    // ones were judged then): the breaker and the slow lane never wait for a write.
    const trip = await judgeWindow(deps, endpoint, observations, memo);
    if (!trip && !due && writeDueAt(memo, all) > now)
      return hold(deps, endpoint, { memo, all }, flushLater(deps));
    // Tried once: a refused write is held and made later, not waited out with the batch.
    await deps.healthStore.triedOnce(() => writeHealth(deps, endpoint, all, { memo, now, trip, written }));
    memo.failedWrites = 0;
  } catch (err) {
    memo.failedWrites = (memo.failedWrites ?? 0) + 1;
    memo.retryAt = now + retryDelayMs(memo.failedWrites);
    // Counts written are not held again; what follows them (the run's start, the failing mark,
    // the breaker) is judged again with the next failures.
    if (!written.failures) hold(deps, endpoint, { memo, all }, flushLater(deps));
    logger.warn("endpoint health write held for retry", {
      org_id: endpoint.org_id,
      endpoint_id: endpoint.id,
      error: (err as Error)?.message,
    });
  }
}

const flushLater = (deps: HealthDeps) => () => flushHeldHealth(deps, new Set());

/** Writes the health held for endpoints this batch did not reach, once due. */
export async function flushHeldHealth(deps: HealthDeps, except: ReadonlySet<string>): Promise<void> {
  await Promise.all(dueHeld(deps, except).map((m) => applyHealth(deps, m.heldEndpoint!, [])));
}

/**
 * A process that stops (the local stack's stop, after its pollers' last batches) writes all it
 * holds at once, due or not, and stops its timer: else its last counts (up to 5 s of them, a
 * minute's behind a refused write) would be lost, and the timer would try them on a stopped
 * stack. A write refused now is lost, logged. Lambda gives a function no such stop: there a
 * retired process loses what it holds (docs/delivery.md, "Health writes").
 */
export async function writeAllHeldHealth(deps: HealthDeps): Promise<void> {
  const held = dueHeld(deps, new Set(), Number.POSITIVE_INFINITY);
  await Promise.all(held.map((m) => applyHealth(deps, m.heldEndpoint!, [], { due: true })));
  stopHolding(deps);
}

/** What a write of held and fresh health knows: the window's verdict, and what was written. */
interface Writing {
  memo: HealthMemo;
  now: number;
  trip: Trip | undefined;
  /** Set once the failures are counted in the table: they must not be held again. */
  written: { failures: boolean };
}

async function writeHealth(
  deps: HealthDeps,
  endpoint: EndpointRecord,
  all: HealthObservation[],
  { memo, now, trip, written }: Writing,
): Promise<void> {
  const successes = all.filter((o) => o.ok);
  await noticeAccessDenied(deps, endpoint, all);

  const verified = successes.filter((o) => o.test);
  if (verified.length > 0) {
    const at = new Date(Math.max(...verified.map((o) => o.at.getTime()))).toISOString();
    await deps.healthStore.recordVerified(endpoint, at);
  }

  // Tripped by the window's run or rate: a success in this same batch must not close it again.
  if (successes.length > 0 && !trip) return applySuccesses(deps, endpoint, successes, memo, now);
  memo.healedAt = undefined;
  // The cached record may not show these failures yet: the next success must reset the run.
  memo.failedSinceHeal = true;
  const failures = all.filter((o) => !o.ok);
  if (failures.length > 0) return applyFailures(deps, endpoint, failures, { now, memo, trip, written });
  if (trip) await openBreakerNow(deps, endpoint, { memo, why: trip });
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
  const latest = Math.max(...successes.map((o) => o.at.getTime()));
  const at = successWrite(endpoint, memo, latest, { now, cacheMs });
  if (at === null) return;
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

/**
 * Only failures: count them, open the breaker when the window tripped, start the run, mark the
 * endpoint failing. The shared count is what the API shows; it never opens the breaker itself
 * (policy/window.ts says why).
 */
async function applyFailures(
  deps: HealthDeps,
  endpoint: EndpointRecord,
  observations: HealthObservation[],
  { now, memo, trip, written }: Writing,
): Promise<void> {
  const last = observations.reduce((a, b) => (b.at >= a.at ? b : a));
  const updated = await deps.healthStore.recordFailures(endpoint, {
    count: observations.reduce((n, o) => n + weight(o), 0),
    lastError: last.error ?? "delivery failed",
    at: last.at.toISOString(),
  });
  written.failures = true;
  memo.failuresWrittenAt = now;
  // Not updated (deleted, or a later success was written meanwhile): nothing more to count, but
  // this process's window still opens the breaker (a no-op on a deleted endpoint).
  if (trip) await openBreakerNow(deps, updated ?? endpoint, { memo, why: trip });
  if (!updated) return;
  let firstFailureAt = updated.first_failure_at;
  if (!firstFailureAt) {
    // The run starts after the last success written: held failures may predate it.
    const earliest = observations.reduce((a, b) => (b.at < a.at ? b : a));
    const after = (o: HealthObservation) =>
      !updated.last_delivery_at || o.at.toISOString() > updated.last_delivery_at;
    const at = (after(earliest) ? earliest : last).at.toISOString();
    if (!(await deps.healthStore.startFailureRun(endpoint, at))) return; // another writer started it
    firstFailureAt = at;
  }
  if (!becomesFailing(updated, firstFailureAt, now, deps.config.health)) return;

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
 * What this process's window of the endpoint's attempts says (policy/health.ts): the breaker
 * opens on a run of failures or a failure rate (returned: the caller opens it once the batch's
 * failures are counted), the endpoint moves to the slow lane on its median latency.
 */
async function judgeWindow(
  deps: HealthDeps,
  endpoint: EndpointRecord,
  observations: HealthObservation[],
  memo: HealthMemo,
): Promise<Trip | undefined> {
  const s = deps.config.isolation;
  if (observations.length === 0) return undefined;
  for (const o of observations) {
    const seen = { atMs: o.at.getTime(), ok: o.ok, latencyMs: o.latencyMs ?? 0 };
    memo.window = observe(memo.window ?? emptyWindow(), seen, s);
  }
  const now = deps.now();
  const verdict = windowVerdict(endpoint, memo.window!, now, s);
  if (verdict === "slow-lane") {
    memo.window = emptyWindow();
    await moveToSlowLane(deps, endpoint, now, "its median answer is near the budget");
    return undefined;
  }
  return verdict ?? undefined;
}

async function openBreakerNow(
  deps: HealthDeps,
  updated: EndpointRecord,
  { memo, why }: { memo: HealthMemo; why: Trip },
): Promise<void> {
  const until = openUntil(deps.now(), deps.config.isolation, updated).toISOString();
  const opened = await deps.healthStore.openBreaker(updated, until);
  memo.window = emptyWindow(); // after the write: a throttled one is judged again next batch
  if (!opened) return;
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
}
