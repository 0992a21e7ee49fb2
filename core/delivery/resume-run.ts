/**
 * The resume run of an endpoint's parked deliveries (core/endpoints/resume.ts schedules it,
 * maintenance.ts runs it; docs/delivery.md, "A long outage leaves the queue").
 *
 * One run per endpoint at a time, by a lease (core/store/resume-lease.ts). Several causes can
 * schedule runs of one endpoint in the same minute (its breaker's wake-up, its closing, a
 * re-enable, aged tasks: different schedule names), and two runs at once both read the same
 * page of the parked index before either takes it out, so both enqueued it: the receiver got
 * the delivery twice (issue #25, dead-endpoint-3d after recovery: 27 M duplicates at k 0.1).
 * A run that finds the lease held does not drop its cause: it asks the holder, which, as it
 * ends, covers it with its next run (one it schedules anyway when more remain, else one for the
 * ask). A holder that schedules a next run records its time on the lease (its cover), and a run
 * due before it, other than that one, does nothing: that run reads the index after it. The
 * lease outlasts any run (the scheduled function's timeout), so a run that died halfway needs
 * no cleanup: what it did not take out of the index is still parked there and the next run
 * resumes it (the dead run's own retry: a run that throws schedules its next, run-fallback.ts;
 * one killed at its timeout is invoked again by Lambda a minute later, after its lease; only a
 * run failing three times reaches the scheduler DLQ and its alarm, asked or not). What the
 * lease cannot order (a manual recover racing a run) the tasks' copy check settles
 * (pending.ts, policy/delivered.ts).
 */
import { randomUUID } from "node:crypto";
import { functions } from "../config/index.js";
import { scheduleResume } from "../endpoints/index.js";
import { logger } from "../log/index.js";
import { breakerState, type EndpointRecord, MAX_RECOVER_PER_CALL, ServiceError } from "../model/index.js";
import {
  anotherPage,
  nextRunAfterSeconds,
  pageDelaySeconds,
  pageSize,
  RUN_RETRY_SECONDS,
  resumePerSecond,
} from "./policy/resume-pace.js";
import { type RecoverResult, type RecoveryDeps, recoverEndpoint } from "./recovery.js";
import { wakeWhenHalfOpen } from "./wake.js";

/** Longer than any run: the scheduled function's timeout, and a margin for the clocks of two processes. */
export const RESUME_LEASE_MS = (functions.scheduled.timeoutSeconds + 10) * 1000;

/**
 * A refused run asks the holder only while more than this is left of its lease. Less is left
 * when the run may be the holder's own retry (a run that throws schedules its next a minute
 * later, run-fallback.ts, before a lease of 70 s ends): its holder may never end (its release
 * failed too), and a run for when the lease ends is then what resumes the index. The margin
 * covers two processes' clocks as the lease's does.
 */
export const ASK_BEFORE_END_MS = RESUME_LEASE_MS - RUN_RETRY_SECONDS * 1000 + 10_000;

/** Parked deliveries a wake-up of a half-open breaker re-enqueues: one probe, and spares. */
const PROBE_PAGE = 10;

/**
 * Resumes the deliveries parked while the endpoint was disabled (maintenance, after a
 * re-enable: resume.ts) or while its breaker stayed open (decide.ts `park`): page after page
 * for up to half a minute, each page delayed so they arrive at the endpoint's resume pace, the
 * next run scheduled for when they have (policy/resume-pace.ts). Nothing when the endpoint is
 * gone, disabled again, or its breaker is open (its wake-up comes when it may half-open); a
 * half-open breaker gets one page of a few, one of which makes the probe: the rest follow when
 * it closes (health.ts), so a dead endpoint's wake-up costs a few tasks, not its whole backlog.
 * Nothing either while another run holds the endpoint's lease (it asks the holder, whose next
 * run covers it), or
 * when a run of the endpoint is scheduled after now (the lease's cover) and this is not it:
 * that run reads what this one would have. `scheduledAt`: the time this run was scheduled for,
 * when another run scheduled it. Returns how many were resumed.
 */
export async function resumeParked(
  deps: RecoveryDeps,
  org: string,
  endpointId: string,
  scheduledAt?: number,
): Promise<number> {
  const endpoint = await deps.endpointStore.get(org, endpointId);
  const breaker = endpoint ? breakerState(endpoint, deps.now()) : "closed";
  if (breaker === "open") {
    await wakeWhenHalfOpen(deps, endpoint!);
    return 0;
  }
  const target = { org_id: org, id: endpointId };
  const lease = { org, endpointId, holder: randomUUID() };
  const now = deps.now().getTime();
  const until = now + RESUME_LEASE_MS;
  const taken = await deps.endpointStore.takeResumeLease(lease, { now, until, run: scheduledAt });
  if (taken !== true) {
    await refused(deps, target, now, taken);
    return 0;
  }
  let run: Pages;
  let released: Released = "unknown";
  try {
    run = await resumePages(deps, target, endpoint, breaker === "half-open");
  } finally {
    // Before the next run is asked for, so it finds the lease free.
    released = await deps.endpointStore.releaseResumeLease(lease, deps.now().getTime()).then(
      (r) => (r.asked ? "asked" : "quiet"),
      (err: unknown) => {
        logger.warn("resume lease not released", { error: (err as Error)?.message });
        return "unknown" as const;
      },
    );
  }
  const leaseLeftSeconds = Math.ceil((until - deps.now().getTime()) / 1000);
  const afterSeconds = nextRunAfter(run, released, leaseLeftSeconds);
  if (afterSeconds !== undefined) {
    const next = await scheduleResume(deps, target, { kind: "more", afterSeconds });
    // Only once it is scheduled: a cover without its run would strand what it covers. Not
    // written (a crash, a refusal), a second chain may start and merges at its next run.
    await deps.endpointStore
      .coverResumeLease(lease, next)
      .catch((err: unknown) => logger.warn("resume cover not written", { error: (err as Error)?.message }));
  }
  logger.info("parked deliveries resumed", { org_id: org, endpoint_id: endpointId, count: run.sent });
  return run.sent;
}

/** What a run's pages did: how many it sent, whether more remain, when they will have arrived. */
interface Pages {
  sent: number;
  more: boolean;
  /** When a next run may start without outpacing this one's pages (policy/resume-pace.ts). */
  nextAfterSeconds: number;
}

/** Whether a refused run asked the holder as it ended (`unknown`: its release failed). */
type Released = "asked" | "quiet" | "unknown";

/**
 * When the holder's next run comes (seconds from now), if any: when more remain or a refused
 * run asked (its cause may have parked after this run's last read), as this run's pages arrive.
 * Not released, the lease ends by itself and whether one asked is unknown: a run after the
 * lease (one before it would be refused, and its ask would wait on a holder that never ends). Pure.
 */
export function nextRunAfter(run: Pages, released: Released, leaseLeftSeconds: number): number | undefined {
  if (released === "unknown") return Math.max(run.nextAfterSeconds, leaseLeftSeconds);
  return run.more || released === "asked" ? run.nextAfterSeconds : undefined;
}

/**
 * A run that did not get the lease. Covered (a run scheduled after now will read the index
 * anyway): nothing, so two causes keep one chain of runs, not one each (issue #25,
 * dead-endpoint-3d: CreateSchedule/s 1 -> 2, the pace up to 2x). Held: the holder may have read
 * the index before this run's cause parked anything, and whether it has a next run is known
 * only when it ends: asked, the holder covers it then (`nextRunAfter`), so this run schedules
 * nothing either. When the holder ended meanwhile (the ask refused) or its lease is near its
 * end (`ASK_BEFORE_END_MS`): a run for when its lease ends (covered by then by the holder's
 * next run, or the lease is free).
 */
async function refused(
  deps: RecoveryDeps,
  target: { org_id: string; id: string },
  now: number,
  why: { until: number; holder?: string } | { covered: number },
): Promise<void> {
  const log = { org_id: target.org_id, endpoint_id: target.id };
  if ("covered" in why) {
    logger.info("resume run merged: a scheduled run covers it", { ...log, next_at: why.covered });
    return;
  }
  const holder = { org: target.org_id, endpointId: target.id, holder: why.holder ?? "" };
  const ask = why.holder !== undefined && why.until - now > ASK_BEFORE_END_MS;
  if (ask && (await deps.endpointStore.askResumeLease(holder))) {
    logger.info("resume run merged: the holder covers it as it ends", log);
    return;
  }
  const afterSeconds = Math.max(0, Math.ceil((why.until - now) / 1000));
  await scheduleResume(deps, target, { kind: "more", afterSeconds });
  logger.info("resume run deferred: another run holds the endpoint", { ...log, after_seconds: afterSeconds });
}

/** The run's pages: how many, whether more remain parked, when a next run may start. */
async function resumePages(
  deps: RecoveryDeps,
  { org_id: org, id: endpointId }: { org_id: string; id: string },
  endpoint: EndpointRecord | undefined,
  halfOpen: boolean,
): Promise<Pages> {
  const perSecond = resumePerSecond(endpoint ?? { rate_limit: null }, deps.config.isolation.resumePerSecond);
  const max = pageSize(halfOpen ? PROBE_PAGE : MAX_RECOVER_PER_CALL, perSecond);
  const started = deps.now().getTime();
  let sent = 0;
  let more = true;
  do {
    const delaySeconds = pageDelaySeconds(sent, perSecond);
    let res: RecoverResult;
    try {
      const options = { parkedOnly: true, max, delaySeconds };
      res = await recoverEndpoint(deps, org, endpointId, new Date(0).toISOString(), options);
    } catch (err) {
      // Deleted or disabled again: nothing more for now.
      if (err instanceof ServiceError && err.status < 500) return { sent, more: false, nextAfterSeconds: 0 };
      throw err;
    }
    sent += res.count;
    more = res.more;
    if (halfOpen) more = false; // the rest follow the probe's success
    const elapsedMs = deps.now().getTime() - started;
    if (!anotherPage({ more, elapsedMs, sent, perSecond })) break;
  } while (more);
  return { sent, more, nextAfterSeconds: nextRunAfterSeconds(sent, perSecond) };
}
