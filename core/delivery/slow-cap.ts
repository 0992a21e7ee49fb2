/**
 * The slow lane's cap on a failing endpoint (the rule: policy/slow-cap.ts). Per process, in
 * memory, beside the trial's answers: each endpoint's slow-lane requests in flight and its
 * last answers, noted the moment a request ends (not with the batch: the other pollers of this
 * process must see a failure before they send). On AWS each slow-lane instance judges its own.
 */
import type { Uses } from "../deps.js";
import { lruPer } from "../lib/index.js";
import type { EndpointRecord, SendOutcome } from "../model/index.js";
import { keyOf } from "./health-held.js";
import { answered, capped, type Flight, noFlight } from "./policy/slow-cap.js";
import { type Admission, noAdmission } from "./rate-limit.js";

type CapDeps = Uses<"fullRateWindows" | "config" | "now">;

// Per root (one per process on AWS), keyed on its `fullRateWindows` as the trial's memo
// (trial.ts), so every lane's context sees one; bounded like the process's other caches. An
// endpoint forgotten is known nothing of: capped at `breakerFailures` in flight until it answers.
const MEMO_ENDPOINTS = 10_000;
const flights = lruPer<CapDeps["fullRateWindows"], Flight>({
  maxEntries: MEMO_ENDPOINTS,
  maxWeight: MEMO_ENDPOINTS,
});

function flightOf(deps: CapDeps, endpoint: EndpointRecord): Flight {
  const memo = flights(deps.fullRateWindows);
  const found = memo.get(keyOf(endpoint));
  if (found) return found;
  const made = noFlight();
  memo.set(keyOf(endpoint), made, 1);
  return made;
}

/**
 * A slot for a slow-lane request to the endpoint (freed when the request is over), or none:
 * the cap is reached. Taken and counted without a wait between, so the batch's concurrent
 * records cannot all pass it. The shared lane (its requests end within the budget) and the
 * half-open probe (one request, claimed across processes) are not capped.
 */
export function enterSlowCap(
  deps: CapDeps,
  endpoint: EndpointRecord,
  ctx: { lane: string; now: Date },
  probe: boolean,
): Admission | undefined {
  if (ctx.lane !== "slow" || probe) return noAdmission;
  const flight = flightOf(deps, endpoint);
  if (capped(flight, ctx.now.getTime(), deps.config.isolation)) return undefined;
  flight.inFlight++;
  let over = false;
  return {
    release: async () => {
      if (over) return;
      over = true;
      flight.inFlight--;
    },
  };
}

/**
 * Notes a request's answer (every request, either lane; `counted` false for the shared lane's
 * cut, which is not a failure); returns the result. Called before the slot is freed, so the
 * failure is counted before its request stops being.
 */
export function noteFlight<R extends { outcome: SendOutcome }>(
  deps: CapDeps,
  endpoint: EndpointRecord,
  result: R,
  counted: boolean,
): R {
  const flight = flightOf(deps, endpoint);
  const atMs = deps.now().getTime();
  Object.assign(flight, answered(flight, { ok: result.outcome.ok, counted, atMs }, deps.config.isolation));
  return result;
}
