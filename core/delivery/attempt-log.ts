/** Reading the attempt log: per endpoint or per event, newest first, 404 for ids not the caller's. */
import type { Uses } from "../deps.js";
import { requireEndpoint } from "../endpoints/index.js";
import { type AttemptPage, type AttemptQuery, isId, notFound, payloadState } from "../model/index.js";
import { aggregate, type StatsWindow, windowBounds } from "./endpoint-stats.js";
import { retryHorizonMs } from "./policy/retry.js";
import { sentRequest } from "./request.js";

/** What reading the attempt log uses of the root. */
type LogDeps = Uses<"attemptStore" | "messageStore" | "endpointStore" | "config" | "now">;

/** Attempts one health aggregate reads at most (docs/portal.md): about 600 per shard. */
export const STATS_MAX_ITEMS = 10_000;

export async function endpointAttempts(
  deps: LogDeps,
  org: string,
  endpointId: string,
  q: AttemptQuery,
): Promise<AttemptPage> {
  await requireEndpoint(deps, org, endpointId);
  return deps.attemptStore.ofEndpoint(org, endpointId, q);
}

export async function eventAttempts(
  deps: LogDeps,
  org: string,
  msgId: string,
  q: AttemptQuery,
): Promise<AttemptPage> {
  const m = await deps.messageStore.get(org, msgId);
  if (!m) throw notFound("event");
  return deps.attemptStore.ofMessage(org, msgId, q, [...m.targets, ...(m.skipped ?? [])]);
}

/** One attempt with the request it sent (rebuilt: see sentRequest). */
export async function attemptDetail(
  deps: LogDeps,
  org: string,
  msgId: string,
  endpointId: string,
  attemptId: string,
) {
  const [m, endpoint] = await Promise.all([
    isId("msg", msgId) ? deps.messageStore.get(org, msgId) : undefined,
    requireEndpoint(deps, org, endpointId),
  ]);
  if (!m) throw notFound("event");
  const a = isId("att", attemptId)
    ? await deps.attemptStore.get(org, { endpointId, msgId, attemptId })
    : undefined;
  if (!a) throw notFound("attempt");
  const { serviceName, secretGraceHours } = deps.config;
  const payload = payloadState(m, deps.now());
  return {
    attempt: a,
    request: sentRequest(endpoint, m, a.timestamp, { serviceName, secretGraceHours, payload }),
  };
}

/**
 * Success rate and latency of an endpoint's attempts over 24 h (hourly) or 7 days (daily).
 * Its log is ordered by event, so it reads the events of the window and of the retry
 * schedule's span before it; a resend or recovery of an older event is not counted.
 */
export async function endpointStats(
  deps: LogDeps,
  org: string,
  endpointId: string,
  window: StatsWindow,
  /** Only attempts of events of these types (a type-scoped portal session); all when absent. */
  eventTypes?: readonly string[],
) {
  const endpoint = await requireEndpoint(deps, org, endpointId);
  const now = deps.now();
  const { from } = windowBounds(window, now);
  const { samples, truncated } = await deps.attemptStore.samples(org, endpointId, {
    since: new Date(from).toISOString(),
    eventsSince: new Date(from - retryHorizonMs(deps.config.retry, endpoint.max_retries)),
    maxItems: STATS_MAX_ITEMS,
    ...(eventTypes ? { eventTypes } : {}),
  });
  return { ...aggregate(window, now, samples), truncated };
}
