/**
 * The operational events themselves, as pure functions of what happened: each names the
 * organization and endpoint, says why, carries the counts an operator needs, and has a key
 * unique to the occurrence (its producer id in the platform organization).
 *
 * The same key must always carry the same data: ingest refuses an id published again with a
 * different payload (and dead-letters it, which pages). So `occurred_at` is a time of the
 * occurrence itself where an emission can repeat (the failing run's start of `failing`, the
 * exhausting attempt's start), and where two processes may emit the same change (`recovered`)
 * the time is part of the key: at worst two events, never a conflict.
 */
import type { EndpointRecord, OperationalEvent } from "../model/index.js";

type Endpoint = Pick<EndpointRecord, "org_id" | "id">;
type Health = Pick<EndpointRecord, "consecutive_failures" | "last_error">;

const base = (e: Endpoint, reason: string, at: Date) => ({
  org_id: e.org_id,
  endpoint_id: e.id,
  reason,
  occurred_at: at.toISOString(),
});

/** active → failing: no success for FAILING_AFTER_HOURS. */
export function endpointFailing(
  e: Endpoint & Health,
  run: { firstFailureAt: string; since: string },
): OperationalEvent {
  return {
    type: "hookrelay.endpoint.failing",
    key: `failing:${e.id}:${run.since}`,
    data: {
      ...base(e, e.last_error ?? "delivery failed", new Date(run.since)),
      consecutive_failures: e.consecutive_failures,
      first_failure_at: run.firstFailureAt,
      failing_since: run.since,
    },
  };
}

export type DisabledBy = "auto_disable" | "gone" | "manual" | "target_deleted";

const disabledReason: Record<DisabledBy, string> = {
  auto_disable: "failing for DISABLE_AFTER_DAYS without a success",
  gone: "410 Gone: the receiver asked to stop",
  manual: "disabled by hand",
  target_deleted: "its AWS target (queue, topic, bus or bucket) no longer exists",
};

/** → disabled: its new events are skipped (replayable) until it is enabled again. */
export function endpointDisabled(
  e: Endpoint & Partial<Health>,
  by: DisabledBy,
  at: Date,
  since: string = at.toISOString(),
): OperationalEvent {
  return {
    type: "hookrelay.endpoint.disabled",
    key: `disabled:${e.id}:${since}`,
    data: {
      ...base(e, disabledReason[by], at),
      disabled_by: by,
      consecutive_failures: e.consecutive_failures ?? null,
      last_error: e.last_error ?? null,
    },
  };
}

/** failing → active after a success. */
export function endpointRecovered(e: Endpoint & Health & Pick<EndpointRecord, "failing_since">, at: Date) {
  return {
    type: "hookrelay.endpoint.recovered",
    key: `recovered:${e.id}:${at.toISOString()}`,
    data: {
      ...base(e, "a delivery succeeded", at),
      failed_before_recovery: e.consecutive_failures,
      failing_since: e.failing_since,
    },
  } satisfies OperationalEvent;
}

/** disabled → active, by hand. */
export function endpointEnabled(e: Endpoint, at: Date): OperationalEvent {
  return {
    type: "hookrelay.endpoint.enabled",
    key: `enabled:${e.id}:${at.toISOString()}`,
    data: base(e, "enabled by hand", at),
  };
}

/**
 * An AWS destination's role or call was refused (access denied): emitted when the endpoint
 * enters that state (core/delivery/access-denied.ts), not on every refused attempt. `at` is
 * the refused attempt's start, part of the key: two processes seeing the same change make at
 * worst two events, never a conflict.
 */
export function endpointAccessDenied(
  e: Endpoint & Pick<EndpointRecord, "aws">,
  lastError: string,
  at: Date,
): OperationalEvent {
  return {
    type: "hookrelay.endpoint.access_denied",
    key: `access_denied:${e.id}:${at.toISOString()}`,
    data: {
      ...base(e, lastError, at),
      role_arn: e.aws?.role_arn ?? null,
      last_error: lastError,
    },
  };
}

/** The breaker opened: deliveries are parked until `openUntil`, then one probe. */
export function breakerOpened(e: Endpoint & Health, openUntil: string, at: Date): OperationalEvent {
  return {
    type: "hookrelay.breaker.opened",
    key: `breaker:${e.id}:${openUntil}`,
    data: {
      ...base(e, e.last_error ?? "delivery failed", at),
      consecutive_failures: e.consecutive_failures,
      open_until: openUntil,
    },
  };
}

/** A delivery exhausted its retries (delivery DLQ); `at` is when the last attempt started. */
export function messageDeadLettered(
  letter: { org_id: string; endpoint_id: string; msg_id: string; event_type: string },
  reason: string,
  attempts: number,
  at: Date,
): OperationalEvent {
  return {
    type: "hookrelay.message.dead_lettered",
    key: `dead:${letter.endpoint_id}:${letter.msg_id}:${attempts}`,
    data: {
      ...base({ org_id: letter.org_id, id: letter.endpoint_id }, reason, at),
      msg_id: letter.msg_id,
      event_type: letter.event_type,
      attempts,
    },
  };
}
