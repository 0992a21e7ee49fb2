/**
 * The effects of the delivery policy (policy/effects.ts) a record needs carried out at once,
 * not with its batch (execute.ts): the retention guard's resume before its task is parked, the
 * gates its send must pass before the request (a slot of the endpoint's rate window, the
 * half-open probe's claim, the slow lane's cap on a failing endpoint), and a move of its endpoint to the slow lane, which the other
 * pollers of this process must see now. The policy says what a closed gate means (decide.ts
 * `gate`).
 */
import { scheduled, scheduleOnce, scheduleResume } from "../endpoints/index.js";
import { logSummary } from "../log/index.js";
import type { EndpointRecord } from "../model/index.js";
import type { DeliveryContext } from "./context.js";
import { openUntil } from "./policy/breaker.js";
import type { DecideContext } from "./policy/decide.js";
import { type Effect, effectOf } from "./policy/effects.js";
import { triesFirst } from "./policy/trial.js";
import { type Admission, admit, noAdmission } from "./rate-limit.js";
import { enterSlowCap } from "./slow-cap.js";
import { moveToSlowLane } from "./slow-lane.js";
import { enterTrial } from "./trial.js";
import { wakeWhenHalfOpen } from "./wake.js";

// The aged resumes this process has asked for (endpoint and minute): one ask each (core/endpoints
// schedule-once.ts).
const MEMO_ENDPOINTS = 10_000;
const resumeOnce = scheduleOnce<DeliveryContext["healthMemos"]>(MEMO_ENDPOINTS);
// One line a minute per process with the count (core/log/summary.ts): every task of a backlog
// past the guard's age is one, thousands a second behind a long outage; `DeliveryParked` counts them.
const agedLog = logSummary("task queued too long parked");

/**
 * The retention guard's resume (policy/queue-age.ts), scheduled before its task is parked so
 * what is parked always comes back: once per endpoint per minute per process (the run's name
 * dedupes across processes). False when the scheduler refused: the task is not parked. True
 * when the effects ask for none.
 */
export async function resumeBeforePark(
  deps: DeliveryContext,
  effects: readonly Effect[],
  endpoint: EndpointRecord,
  now: Date,
): Promise<boolean> {
  if (!effectOf(effects, "resume_aged")) return true;
  const minute = Math.floor(now.getTime() / 60_000);
  const resumed = await resumeOnce(deps.healthMemos, `${endpoint.org_id}/${endpoint.id}/${minute}`, () =>
    scheduled(
      () => scheduleResume(deps, endpoint, { kind: "aged" }),
      "a task queued too long is tried: its resume was not scheduled",
      { org_id: endpoint.org_id, endpoint_id: endpoint.id },
    ),
  );
  if (resumed) agedLog.add({ tasks: 1 }, [endpoint.org_id]);
  return resumed;
}

/** The gates passed (the slots to release once the request is over), or the one that closed. */
export type Gates = { admission: Admission } | { closed: NonNullable<DecideContext["gate"]> };

export async function passGates(
  deps: DeliveryContext,
  effects: readonly Effect[],
  endpoint: EndpointRecord,
  ctx: Pick<DecideContext, "now" | "random" | "lane" | "slowLane">,
): Promise<Gates> {
  const probe = !!effectOf(effects, "claim_probe");
  // First, and without a wait: the slow lane's cap on a failing endpoint (policy/slow-cap.ts).
  const cap = enterSlowCap(deps, endpoint, ctx, probe);
  if (!cap) return { closed: "slow-cap" };
  try {
    const gates = await passOthers(deps, effects, endpoint, ctx, probe);
    if ("closed" in gates) await cap.release(ctx.now, false);
    return "closed" in gates ? gates : { admission: both(cap, gates.admission) };
  } catch (err) {
    await cap.release(ctx.now, false);
    throw err;
  }
}

async function passOthers(
  deps: DeliveryContext,
  effects: readonly Effect[],
  endpoint: EndpointRecord,
  ctx: Pick<DecideContext, "now" | "random" | "lane" | "slowLane">,
  probe: boolean,
): Promise<Gates> {
  const admission = effectOf(effects, "rate_limit_write")
    ? await admit(deps, endpoint, ctx.now, ctx.random)
    : noAdmission;
  if (!admission) return { closed: "rate-limited" };
  if (probe && !(await wonProbe(deps, endpoint, ctx.now))) {
    await admission.release(ctx.now, false);
    return { closed: "probe-lost" };
  }
  if (!triesFirst(ctx, probe)) return { admission };
  const trial = await enterTrial(deps, endpoint, effectOf(effects, "send")!.timeoutMs, ctx);
  if ("refused" in trial) {
    await admission.release(ctx.now, false);
    return { closed: trial.refused };
  }
  return { admission: both(admission, trial.admission) };
}

const both = (a: Admission, b: Admission): Admission => ({
  release: async (done, sent) => {
    await Promise.all([a.release(done, sent), b.release(done, sent)]);
  },
});

/** Half-open: one task (in any process) claims the probe; the claim re-arms the breaker. */
async function wonProbe(deps: DeliveryContext, endpoint: EndpointRecord, now: Date): Promise<boolean> {
  const next = openUntil(now, deps.config.isolation, endpoint).toISOString();
  const won = await deps.healthStore.claimProbe(endpoint, { seen: endpoint.breaker_open_until!, next });
  deps.endpoints.invalidate(endpoint.org_id);
  // Should the probe fail, the breaker stays open until `next`: its wake-up, if it needs one.
  if (won) await wakeWhenHalfOpen(deps, { ...endpoint, breaker_open_until: next });
  return won;
}

/** The effects of a record after its request that cannot wait for the batch. */
export async function executeNow(
  deps: DeliveryContext,
  effects: readonly Effect[],
  endpoint: EndpointRecord,
  now: Date,
): Promise<void> {
  const move = effectOf(effects, "move_slow_lane");
  if (move) await moveToSlowLane(deps, endpoint, now, move.why);
}
