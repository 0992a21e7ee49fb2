/**
 * Health fields of endpoint items (ORG#{org} / EP#{id}), written by the delivery engine.
 *
 * Every write is conditional on the endpoint still existing (a delete must not be undone
 * by a late health update) and on the state it transitions from, so concurrent delivery
 * invocations and the user's own changes (disable) cannot be overwritten by stale reads.
 * Health writes never touch `updated_at`: that is the endpoint's configuration time.
 */
import { ACCESS_DENIED, type EndpointRecord } from "../model/index.js";
import { bumpEndpointsVersion, toEndpoint } from "./endpoints.js";
import { updateIf, updateReturning } from "./item.js";
import { type Key, keys } from "./keys.js";
import type { Db } from "./table.js";
import { withoutThrottleRetries } from "./throttle-retries.js";

/**
 * A write of health fields, conditional on the endpoint existing and on `when` (the state it
 * transitions from); false when either fails. `#status` stands for `status`, a reserved word.
 */
function healthWrite(
  db: Db,
  key: Key,
  write: { set: string; when?: string; values: Record<string, unknown> },
) {
  const condition = write.when ? `attribute_exists(pk) AND ${write.when}` : "attribute_exists(pk)";
  const usesStatus = `${write.set} ${condition}`.includes("#status");
  return updateIf(db, {
    Key: key,
    UpdateExpression: write.set,
    ConditionExpression: condition,
    ...(usesStatus ? { ExpressionAttributeNames: { "#status": "status" } } : {}),
    ExpressionAttributeValues: write.values,
  });
}

/** The condition of writes that must not touch a disabled endpoint: it is active or failing. */
const ENABLED = {
  when: "#status IN (:active, :failing)",
  values: { ":active": "active", ":failing": "failing" },
};

/**
 * A success: counters reset, a failing endpoint back to active. Skipped (false) when the
 * endpoint is gone or disabled meanwhile: a success must not re-enable it.
 */
function recordHealthy(db: Db, org: string, endpointId: string, lastDeliveryAt: string) {
  return healthWrite(db, keys.endpoint(org, endpointId), {
    set: "SET consecutive_failures = :zero, first_failure_at = :null, failing_since = :null, #status = :active, last_delivery_at = :at, breaker_open_until = :null",
    when: ENABLED.when,
    values: { ...ENABLED.values, ":zero": 0, ":null": null, ":at": lastDeliveryAt },
  });
}

/** A test event got a 2xx: `last_verified_at` (never moved backwards). False when the endpoint is gone. */
function recordVerified(db: Db, org: string, endpointId: string, at: string) {
  return healthWrite(db, keys.endpoint(org, endpointId), {
    set: "SET last_verified_at = :at",
    when: "(attribute_not_exists(last_verified_at) OR last_verified_at = :null OR last_verified_at < :at)",
    values: { ":at": at, ":null": null },
  });
}

/**
 * Failures: the counter grows atomically; returns the endpoint after the write (undefined if
 * deleted, or if a success as late as the latest failure, `at`, was written meanwhile: the
 * failures ended before it, so they are no run any more). A process writes the failures it
 * held (core/delivery/health.ts, spaced) up to seconds after they happened, when another
 * process's success may have reset the run since.
 */
async function recordFailures(
  db: Db,
  ep: EndpointRef,
  { count, lastError, at }: Failures,
): Promise<EndpointRecord | undefined> {
  const item = await updateReturning(db, {
    Key: keys.endpoint(ep.org_id, ep.id),
    UpdateExpression: "SET last_error = :e, last_error_at = :at ADD consecutive_failures :n",
    ConditionExpression:
      "attribute_exists(pk) AND (attribute_not_exists(last_delivery_at) OR last_delivery_at = :null OR last_delivery_at < :at)",
    ExpressionAttributeValues: { ":e": lastError, ":at": at, ":n": count, ":null": null },
  });
  return item ? toEndpoint(item) : undefined;
}

/**
 * An AWS destination refused access: `last_error` set, only as the endpoint enters that state
 * (no failure since its last success, or its last failure was another kind); false when it was
 * refused already (one operational event per change of state) or the endpoint is gone.
 */
function enterAccessDenied(db: Db, ep: EndpointRef, { lastError, at }: Omit<Failures, "count">) {
  return healthWrite(db, keys.endpoint(ep.org_id, ep.id), {
    set: "SET last_error = :e, last_error_at = :at",
    when: "(consecutive_failures = :zero OR NOT begins_with(last_error, :denied))",
    values: { ":e": lastError, ":at": at, ":zero": 0, ":denied": ACCESS_DENIED },
  });
}

/** Starts a run of failures, unless one is already running (first writer wins). */
function startFailureRun(db: Db, org: string, endpointId: string, at: string) {
  return healthWrite(db, keys.endpoint(org, endpointId), {
    set: "SET first_failure_at = :at",
    when: "(attribute_not_exists(first_failure_at) OR attribute_type(first_failure_at, :nullType))",
    values: { ":at": at, ":nullType": "NULL" },
  });
}

/** Which run of failures: when it started, and when the endpoint is marked failing. */
export interface FailureRun {
  firstFailureAt: string;
  since: string;
}

/** active → failing, only if the same run of failures is still going on. */
function markFailing(db: Db, ep: { org_id: string; id: string }, run: FailureRun) {
  const { firstFailureAt, since } = run;
  return healthWrite(db, keys.endpoint(ep.org_id, ep.id), {
    set: "SET #status = :failing, failing_since = :since",
    when: "#status = :active AND first_failure_at = :ffa",
    values: {
      ":failing": "failing",
      ":active": "active",
      ":ffa": firstFailureAt,
      ":since": since,
    },
  });
}

/**
 * failing → disabled, only if it has been failing since that same time (no success in
 * between); the endpoint as written (for the operational event), or undefined.
 */
async function autoDisable(
  db: Db,
  org: string,
  endpointId: string,
  failingSince: string,
): Promise<EndpointRecord | undefined> {
  const item = await updateReturning(db, {
    Key: keys.endpoint(org, endpointId),
    // last_error keeps the endpoint's own last failure: that is what its owner must fix.
    UpdateExpression: "SET #status = :disabled",
    ConditionExpression: "attribute_exists(pk) AND #status = :failing AND failing_since = :since",
    ExpressionAttributeNames: { "#status": "status" },
    ExpressionAttributeValues: { ":disabled": "disabled", ":failing": "failing", ":since": failingSince },
  });
  if (!item) return undefined;
  await bumpEndpointsVersion(db, org); // ingest parks a disabled endpoint's deliveries
  return toEndpoint(item);
}

/** Opens the breaker until `until`, unless it is already open (first writer wins). */
function openBreaker(db: Db, org: string, endpointId: string, until: string) {
  return healthWrite(db, keys.endpoint(org, endpointId), {
    set: "SET breaker_open_until = :until",
    when: "(attribute_not_exists(breaker_open_until) OR attribute_type(breaker_open_until, :nullType))",
    values: { ":until": until, ":nullType": "NULL" },
  });
}

/**
 * Half-open: the caller that moves `breaker_open_until` from the time it saw to the next one
 * makes the one probe; everyone else sees the breaker open again.
 */
function claimProbe(db: Db, ep: EndpointRef, { seen, next }: Probe) {
  return healthWrite(db, keys.endpoint(ep.org_id, ep.id), {
    set: "SET breaker_open_until = :next",
    when: "breaker_open_until = :seen",
    values: { ":seen": seen, ":next": next },
  });
}

/** The endpoint's tasks go to the slow lane until `until`. */
function markSlow(db: Db, org: string, endpointId: string, until: string) {
  return healthWrite(db, keys.endpoint(org, endpointId), {
    set: "SET slow_until = :until",
    values: { ":until": until },
  });
}

/** The receiver asked to stop (410 Gone): disabled with the reason, re-enabled by its owner. */
async function disableGone(db: Db, org: string, endpointId: string, reason: string) {
  const disabled = await healthWrite(db, keys.endpoint(org, endpointId), {
    set: "SET #status = :disabled, last_error = :reason",
    when: ENABLED.when,
    values: { ...ENABLED.values, ":disabled": "disabled", ":reason": reason },
  });
  if (disabled) await bumpEndpointsVersion(db, org);
  return disabled;
}

/** Which endpoint a health write is about. */
export type EndpointRef = Pick<EndpointRecord, "org_id" | "id">;

/** A batch's failures: how many, and the last one's error and time. */
export interface Failures {
  count: number;
  lastError: string;
  at: string;
}

/** A half-open probe: the breaker time the caller saw, and the one its claim sets. */
export interface Probe {
  seen: string;
  next: string;
}

/**
 * The health writes the delivery engine makes (core/delivery/health.ts, handler.ts,
 * execute.ts, maintenance.ts), each conditional as described above: false (or undefined)
 * when the endpoint is gone or no longer in the state the write transitions from.
 */
export interface HealthStore {
  recordHealthy(ep: EndpointRef, lastDeliveryAt: string): Promise<boolean>;
  recordVerified(ep: EndpointRef, at: string): Promise<boolean>;
  /** Adds `count` failures; the endpoint after the write. */
  recordFailures(ep: EndpointRef, failures: Failures): Promise<EndpointRecord | undefined>;
  /** True when the endpoint entered the access-denied state with this write. */
  enterAccessDenied(ep: EndpointRef, failure: Omit<Failures, "count">): Promise<boolean>;
  startFailureRun(ep: EndpointRef, at: string): Promise<boolean>;
  markFailing(ep: EndpointRef, run: FailureRun): Promise<boolean>;
  /** The endpoint as disabled, or undefined. */
  autoDisable(ep: EndpointRef, failingSince: string): Promise<EndpointRecord | undefined>;
  openBreaker(ep: EndpointRef, until: string): Promise<boolean>;
  claimProbe(ep: EndpointRef, probe: Probe): Promise<boolean>;
  markSlow(ep: EndpointRef, until: string): Promise<boolean>;
  disableGone(ep: EndpointRef, reason: string): Promise<boolean>;
  /**
   * Runs `writes` with their DynamoDB calls given up at their first throttle
   * (throttle-retries.ts): for a caller that holds what is refused and writes it later
   * (core/delivery/health.ts), instead of waiting out the SDK's backoff.
   */
  triedOnce<T>(writes: () => Promise<T>): Promise<T>;
}

export function healthStore(db: Db): HealthStore {
  return {
    recordHealthy: (ep, at) => recordHealthy(db, ep.org_id, ep.id, at),
    recordVerified: (ep, at) => recordVerified(db, ep.org_id, ep.id, at),
    recordFailures: (ep, failures) => recordFailures(db, ep, failures),
    enterAccessDenied: (ep, failure) => enterAccessDenied(db, ep, failure),
    startFailureRun: (ep, at) => startFailureRun(db, ep.org_id, ep.id, at),
    markFailing: (ep, run) => markFailing(db, ep, run),
    autoDisable: (ep, since) => autoDisable(db, ep.org_id, ep.id, since),
    openBreaker: (ep, until) => openBreaker(db, ep.org_id, ep.id, until),
    claimProbe: (ep, probe) => claimProbe(db, ep, probe),
    markSlow: (ep, until) => markSlow(db, ep.org_id, ep.id, until),
    disableGone: (ep, reason) => disableGone(db, ep.org_id, ep.id, reason),
    triedOnce: withoutThrottleRetries,
  };
}
