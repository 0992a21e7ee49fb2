/**
 * The slow lane's cap on a failing endpoint (docs/delivery.md, "Slow lane"; issue #25): a
 * request there may wait the endpoint's whole timeout, and its failure is known only then, so
 * a lane that sent every task of its batches to a hanging endpoint made dozens of requests
 * (each holding a poller for the timeout) before the breaker's run of `breakerFailures` was
 * counted. While this process's last answer from the endpoint is not a success, it sends a new
 * request only while its requests in flight there plus its failures in a row stay below the
 * breaker's threshold: no more requests than the breaker still needs to open. A slow but
 * healthy endpoint (its last answer a success) is never capped. Pure: the caller passes the clock.
 */
import type { Config } from "../../config/index.js";

type Settings = Pick<Config["isolation"], "breakerFailures" | "windowSeconds">;

/** One endpoint as this process sees it: its slow-lane requests in flight and its last answers. */
export interface Flight {
  /** Slow-lane requests from this process to it not yet answered. */
  inFlight: number;
  /** Failures in a row (as the breaker counts them: not the shared lane's cut). */
  run: number;
  /** Whether the last answer was a success (undefined: none yet, which is not one). */
  lastOk?: boolean;
  /** When the last answer came (epoch ms). */
  lastAtMs?: number;
}

export const noFlight = (): Flight => ({ inFlight: 0, run: 0 });

/**
 * Whether a new slow-lane request to the endpoint must wait. A run older than the breaker's
 * window is forgotten: the breaker opened (and its probe decides) or another process's success
 * closed it, and a capped endpoint makes no request that could end its run, so a run kept for
 * good would hold its tasks for good. Nothing known counts as not a success: the slow lane only
 * gets an endpoint that was moved (a cut or slow answers), and a fresh process knows nothing of it.
 */
export function capped(f: Flight, nowMs: number, s: Settings): boolean {
  if (f.lastOk) return false;
  return f.inFlight + liveRun(f, nowMs, s) >= s.breakerFailures;
}

/** The flight after an answer: `counted` false for the shared lane's cut, which moves, not fails. */
export function answered(f: Flight, a: { ok: boolean; counted: boolean; atMs: number }, s: Settings): Flight {
  const before = liveRun(f, a.atMs, s);
  const run = a.ok ? 0 : a.counted ? before + 1 : before;
  return { ...f, run, lastOk: a.ok, lastAtMs: a.atMs };
}

const liveRun = (f: Flight, nowMs: number, s: Settings): number =>
  f.lastAtMs !== undefined && f.lastAtMs > nowMs - s.windowSeconds * 1000 ? f.run : 0;
