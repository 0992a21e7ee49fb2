/**
 * The trial gate's I/O (the rules: policy/trial.ts). Per process, in memory: the last answer
 * each endpoint gave here, noted as soon as its request ends (not with the batch: the other
 * pollers of this process must see a healthy endpoint's first answer at once). Across
 * processes: the endpoint's `trialInFlight` trial slots, leased like its rate-limit slots
 * (core/store/rate-limit.ts, under the endpoint's id + `#trial`), so a burst spread over many
 * consumer instances still holds at most that many batches on the unproven endpoint.
 */
import type { Uses } from "../deps.js";
import { lruPer } from "../lib/index.js";
import { logger } from "../log/index.js";
import type { EndpointRecord, SendOutcome } from "../model/index.js";
import { keyOf } from "./health-held.js";
import { answerOf, type LastAnswer, proven, refused, trialWaitMs } from "./policy/trial.js";
import { type Admission, noAdmission } from "./rate-limit.js";

type TrialDeps = Uses<"rateLimitStore" | "fullRateWindows" | "config" | "now">;

// Per root (one per process on AWS), keyed on its `fullRateWindows`, the busy-slot memo this gate
// shares with the rate limit: every narrow context the root hands out (each lane's, a copy) sees
// one memo. Bounded like the process's other caches (core/lib/lru.ts); an endpoint forgotten is
// unproven again, which costs it one trial.
const MEMO_ENDPOINTS = 10_000;
const answers = lruPer<TrialDeps["fullRateWindows"], LastAnswer>({
  maxEntries: MEMO_ENDPOINTS,
  maxWeight: MEMO_ENDPOINTS,
});
const memoOf = (deps: TrialDeps) => answers(deps.fullRateWindows);

// The takes of trial slots this process has in flight, per endpoint (same owner and bound): once
// it waits on `trialInFlight` of them, no other take of its own can win a slot they have not, so
// its other tasks are refused without a call (10 tasks of a cold batch at once made 10 reads and
// 18 failed leases for 2 slots). Takes in flight only, not leases held: a lease never released
// (a crashed request) would otherwise refuse the endpoint here for good.
const takes = lruPer<TrialDeps["fullRateWindows"], number>({
  maxEntries: MEMO_ENDPOINTS,
  maxWeight: MEMO_ENDPOINTS,
});

/**
 * This process's own trial of an endpoint: since when (its first take), how many of its takes
 * and requests are live, and its answer for the tasks waiting on it (policy/trial.ts
 * `trialWaitMs`). Over when its first answer is noted, or its last take or request ends
 * without one (same owner and bound; the tasks waiting on one evicted wait out their bound).
 */
interface Trial {
  sinceMs: number;
  live: number;
  answered: Promise<void>;
  answer: () => void;
}
const trials = lruPer<TrialDeps["fullRateWindows"], Trial>({
  maxEntries: MEMO_ENDPOINTS,
  maxWeight: MEMO_ENDPOINTS,
});

function begin(deps: TrialDeps, key: string, at: number): Trial {
  const found = trials(deps.fullRateWindows).get(key);
  if (found) {
    found.live++;
    return found;
  }
  let answer!: () => void;
  const answered = new Promise<void>((resolve) => {
    answer = resolve;
  });
  const trial = { sinceMs: at, live: 1, answered, answer };
  trials(deps.fullRateWindows).set(key, trial, 1);
  return trial;
}

/** One of the trial's takes or requests is over; the trial with its last. */
function end(deps: TrialDeps, key: string, trial: Trial): void {
  if (--trial.live > 0) return;
  over(deps, key, trial);
}

function over(deps: TrialDeps, key: string, trial: Trial): void {
  const memo = trials(deps.fullRateWindows);
  if (memo.get(key) === trial) memo.delete(key);
  trial.answer();
}

/** Notes what a request's outcome tells of the endpoint's speed (every request, either lane); returns the result. */
export function noteAnswer<R extends { outcome: SendOutcome }>(
  deps: TrialDeps,
  endpoint: EndpointRecord,
  result: R,
  at: Date,
): R {
  const key = keyOf(endpoint);
  memoOf(deps).set(key, answerOf(result.outcome, at.getTime(), deps.config.isolation), 1);
  const trial = trials(deps.fullRateWindows).get(key);
  if (trial) over(deps, key, trial);
  return result;
}

/**
 * How long a process takes busy trial slots for without asking: at most a second (a lease runs
 * to its request's timeout, but a healthy endpoint's trial ends in milliseconds).
 */
const BUSY_MEMO_MS = 1_000;

/** A lease a trial slot outlasts its request by (as the rate limit's: a crashed sender's request is over by then). */
const LEASE_MARGIN_MS = 5_000;

type Entered = { admission: Admission } | { refused: ReturnType<typeof refused> };
const passed: Entered = { admission: noAdmission };

/**
 * Passes a proven endpoint (no write), or leases one of its trial slots until the request's
 * timeout has passed; refused while this process's own trial of it is young, waits here for
 * that trial's answer (policy/trial.ts `trialWaitMs`) and passes if it proved the endpoint;
 * refused: what the task does instead (policy/trial.ts `refused`).
 */
export async function enterTrial(
  deps: TrialDeps,
  endpoint: EndpointRecord,
  timeoutMs: number,
  ctx: { now: Date; random: () => number },
): Promise<Entered> {
  const entered = await take(deps, endpoint, timeoutMs, ctx);
  if (!("refused" in entered) || entered.refused !== "unproven") return entered;
  const key = keyOf(endpoint);
  const trial = trials(deps.fullRateWindows).get(key);
  const waitMs = trial ? trialWaitMs(trial.sinceMs, deps.now().getTime(), deps.config.isolation) : 0;
  if (trial && waitMs > 0) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([trial.answered, new Promise((r) => (timer = setTimeout(r, waitMs)))]);
    clearTimeout(timer);
  }
  // Read again: the answer may have come while this task was refused (or waited).
  const last = memoOf(deps).get(key);
  if (proven(last, endpoint.last_delivery_at, deps.now().getTime(), deps.config.isolation)) return passed;
  return { refused: refused(last) };
}

async function take(
  deps: TrialDeps,
  endpoint: EndpointRecord,
  timeoutMs: number,
  ctx: { now: Date; random: () => number },
): Promise<Entered> {
  const at = ctx.now.getTime();
  const last = memoOf(deps).get(keyOf(endpoint));
  if (proven(last, endpoint.last_delivery_at, at, deps.config.isolation)) return passed;
  const ids = { org: endpoint.org_id, endpointId: `${endpoint.id}#trial` };
  // A process that found the slots busy asks again only after a while (the rate limit's memo):
  // a busy endpoint on trial would otherwise put a read and a failed write per task on one item.
  const busy = `${keyOf(endpoint)}#trial`;
  if ((deps.fullRateWindows.get(busy) ?? 0) > at) return { refused: refused(last) };
  const pending = takes(deps.fullRateWindows);
  const inFlight = pending.get(busy) ?? 0;
  if (inFlight >= deps.config.isolation.trialInFlight) return { refused: refused(last) };
  pending.set(busy, inFlight + 1, 1);
  const trial = begin(deps, keyOf(endpoint), at);
  let taken: Awaited<ReturnType<TrialDeps["rateLimitStore"]["take"]>>;
  try {
    taken = await deps.rateLimitStore.take({
      ...ids,
      limit: deps.config.isolation.trialInFlight,
      now: at,
      until: at + timeoutMs + LEASE_MARGIN_MS,
      random: ctx.random,
    });
  } catch (err) {
    end(deps, keyOf(endpoint), trial);
    throw err;
  } finally {
    const left = (pending.get(busy) ?? 1) - 1;
    if (left > 0) pending.set(busy, left, 1);
    else pending.delete(busy);
  }
  if ("freeAt" in taken) {
    end(deps, keyOf(endpoint), trial);
    deps.fullRateWindows.set(busy, Math.min(taken.freeAt, at + BUSY_MEMO_MS));
    return { refused: refused(last) };
  }
  deps.fullRateWindows.delete(busy);
  return {
    admission: {
      // Free at once when the request is over; a release that fails leaves the slot leased until its lease ends.
      release: (done) => {
        end(deps, keyOf(endpoint), trial);
        return deps.rateLimitStore
          .release({ ...ids, taken, freeAt: done.getTime() })
          .catch((err: unknown) => logger.warn("trial slot not released", { ...ids, error: String(err) }));
      },
    },
  };
}
