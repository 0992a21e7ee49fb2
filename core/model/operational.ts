/**
 * Operational events: what the service tells the platform about its customers' endpoints
 * (docs/operations.md, "Operational events"). They are ordinary events of the platform's own
 * organization (PLATFORM_ORG_ID), delivered, signed and retried like any other to the endpoints
 * it registers for these types; on AWS they also go to an EventBridge bus.
 */
import type { EventTypeDef } from "./event-type.js";

/** Every operational event type starts with this; no organization may define its own. */
export const OPERATIONAL_PREFIX = "hookrelay.";

export const OPERATIONAL_EVENT_TYPES = [
  {
    name: "hookrelay.endpoint.failing",
    description: "An endpoint has failed without a success for FAILING_AFTER_HOURS and is marked failing.",
  },
  {
    name: "hookrelay.endpoint.disabled",
    description: "An endpoint was disabled: automatically after failing too long, by a 410 Gone, or by hand.",
  },
  {
    name: "hookrelay.endpoint.recovered",
    description: "A failing endpoint answered with a success and is active again.",
  },
  { name: "hookrelay.endpoint.enabled", description: "A disabled endpoint was enabled again." },
  {
    name: "hookrelay.endpoint.access_denied",
    description:
      "AWS refused an AWS destination's role or call (access denied): its deliveries fail at once until the customer fixes the role's trust or permission policy.",
  },
  {
    name: "hookrelay.breaker.opened",
    description: "An endpoint's circuit breaker opened: its deliveries are parked until a probe succeeds.",
  },
  {
    name: "hookrelay.message.dead_lettered",
    description: "A delivery exhausted its retries and went to the delivery DLQ (replayable).",
  },
] as const satisfies readonly EventTypeDef[];

export type OperationalType = (typeof OPERATIONAL_EVENT_TYPES)[number]["name"];

export const isOperationalType = (type: string) => type.startsWith(OPERATIONAL_PREFIX);

/** What every operational event's `data` carries, plus the type's own counts. */
export interface OperationalData {
  /** The organization the endpoint belongs to (a customer's). */
  org_id: string;
  endpoint_id: string;
  /** Why, in words: the last error, "410 Gone", "disabled by hand", ... */
  reason: string;
  /** When it happened (ISO 8601). */
  occurred_at: string;
  [count: string]: string | number | null;
}

export interface OperationalEvent {
  type: OperationalType;
  /**
   * Unique per occurrence, stable across retries of the same emission: the producer id of the
   * event in the platform organization, so an emission repeated by a retried batch is
   * accepted once (ingest's 24 h idempotency).
   */
  key: string;
  data: OperationalData;
}

/** The port operational events are also put on (EventBridge on AWS, nothing locally). */
export interface OperationalBus {
  put(events: readonly OperationalEvent[]): Promise<void>;
}
