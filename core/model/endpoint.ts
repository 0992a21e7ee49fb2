/**
 * The stored webhook endpoint: written by the endpoints service, read by ingest (matching)
 * and delivery (URL, secrets, limits). API bodies and responses live in core/api.
 */
import * as z from "zod";
import type { AwsDestination, EndpointType } from "./destinations/index.js";
import type { Ordering } from "./ordering.js";

/**
 * `paused` (by the customer): nothing is sent and nothing counts as a failure; its deliveries
 * are parked in the table (as a disabled endpoint's) and resumed, oldest first, when it is set
 * active again (docs/delivery.md "Paused endpoints").
 */
export const endpointStatus = z.enum(["active", "disabled", "failing", "paused"]);
export type EndpointStatus = z.infer<typeof endpointStatus>;

/**
 * Whether an endpoint in this status parks its deliveries (disabled, by the customer or the
 * service, or paused): none is sent, each is recorded `skipped` in the endpoint's parked index
 * (at fan-out, or by the delivery decision), and leaving the status resumes them all
 * (core/endpoints/resume.ts). The one list of the statuses that park.
 */
export const parksDeliveries = (status: EndpointStatus): boolean =>
  status === "disabled" || status === "paused";

/**
 * The stored item as the endpoint store reads and writes it. A TypeScript interface, not a
 * zod schema: store reads are trusted items this service wrote (no parse on the hot path),
 * and API views are declared in core/api/schemas, so nothing would ever run a schema here.
 */
export interface EndpointRecord {
  org_id: string;
  id: string;
  label: string | null;
  description: string | null;
  /** The HTTPS URL; for an AWS destination, its target's display form (queue URL, ARN, s3://bucket/prefix). */
  url: string;
  /** Where it delivers (core/model/destinations/); absent = `https` (every endpoint before the AWS types). */
  type?: EndpointType;
  /** The AWS destination of an `aws_*` endpoint: target, role and external id; absent for https. */
  aws?: AwsDestination;
  /** Exact names or patterns (`telephony.*`, `*`); empty = every event type. */
  event_types: string[];
  /**
   * Only events of this agent are delivered; null = all agents. Kept in the JSON type the
   * caller gave (string or integer); matching compares values (core/filters/match.ts).
   */
  agent_id: string | number | null;
  status: EndpointStatus;
  max_retries: number;
  timeout_ms: number;
  headers: Record<string, string>;
  /** Current signing secret (`whsec_…`); never returned by the API after creation/rotation. */
  secret: string;
  /** The secret before the last rotation; still signs until `previous_secret_expires_at`. */
  previous_secret: string | null;
  previous_secret_expires_at: string | null;
  /**
   * Keys retired by earlier rotations whose grace has not ended, newest first; each still
   * signs until its `expires_at` (core/model/rotation.ts). Absent on items never rotated twice.
   */
  earlier_secrets?: RetiredSecret[];
  /** `v1`: HMAC (`secret` is `whsec_…`); `v1a`: ed25519 (`secret` is the private key, `whsk_…`). */
  signing_version: "v1" | "v1a";
  /** Payload filter as JSON text (docs/filters.md); absent or null = every event. */
  filter?: string | null;
  /** Events that matched the subscription but not the filter (counted at fan-out). */
  filtered_count?: number;
  consecutive_failures: number;
  /** Start of the current run of failures; `failing` once it is older than the threshold. */
  first_failure_at: string | null;
  failing_since: string | null;
  last_delivery_at: string | null;
  last_error: string | null;
  /** When `last_error` happened: it stays after a recovery, as history, and this dates it. */
  last_error_at?: string | null;
  /**
   * Circuit breaker (docs/delivery.md): null/absent = closed; a time = open until then,
   * after which one task probes (half-open) and a success closes it.
   */
  breaker_open_until?: string | null;
  /** Until then the endpoint's tasks go to the slow lane (its recent attempts were slow). */
  slow_until?: string | null;
  /** Deliveries per second at most, across every delivery process; absent or null = unlimited. */
  rate_limit?: number | null;
  /**
   * Each attempt's request carries a W3C `traceparent` (the event's trace, the attempt's span;
   * docs/tracing.md). Absent = false (items written before it, and the default).
   */
  send_traceparent?: boolean;
  /**
   * `strict`: events delivered one at a time in publish order (per `ordering_key` value), through
   * the FIFO queue (core/model/ordering.ts); absent, null or `none` = unordered.
   */
  ordering?: Ordering | null;
  /** With `strict` ordering: the dotted path of the event field whose value orders separately. */
  ordering_key?: string | null;
  /** Last time a test event (`webhook.test`) to this endpoint got a 2xx; absent on older items. */
  last_verified_at?: string | null;
  /** The endpoint's integer id and UUID in the API profiles that use them (docs/seeds.md); absent until one asks. */
  number?: number;
  uuid?: string;
  /** Its organization's number (an integer owner id for those profiles); set with the handles. */
  org_number?: number;
  created_at: string;
  updated_at: string;
}

/** The handles an endpoint gets the first time an API profile needs them (core/endpoints/handles.ts). */
export type EndpointHandles = Required<Pick<EndpointRecord, "number" | "uuid" | "org_number">>;

/** A signing key retired by a rotation: it still signs until `expires_at` (the grace period). */
export interface RetiredSecret {
  secret: string;
  expires_at: string;
}

export type BreakerState = "closed" | "open" | "half-open";

type IsolationFlags = Pick<EndpointRecord, "breaker_open_until" | "slow_until">;

/**
 * What `breaker_open_until` means at `now`: absent or null = closed; a time in the future =
 * open (the endpoint's tasks are parked); a time in the past = half-open (the next task probes).
 * Read by the delivery decision (core/delivery/policy/decide.ts) and shown by the API's endpoint view.
 */
export function breakerState(endpoint: IsolationFlags, now: Date): BreakerState {
  const until = endpoint.breaker_open_until;
  if (!until) return "closed";
  return Date.parse(until) > now.getTime() ? "open" : "half-open";
}

/** Whether the endpoint's tasks go to the slow lane at `now` (`slow_until` still ahead). */
export function isSlow(endpoint: IsolationFlags, now: Date): boolean {
  return !!endpoint.slow_until && Date.parse(endpoint.slow_until) > now.getTime();
}

/**
 * One endpoint's recent attempts as one process saw them, in 10 s buckets, oldest first: what
 * the breaker's failure rate and the slow lane's latency rule are judged on
 * (core/delivery/policy/window.ts). Here, with the endpoint, because the composition root's
 * per-process memos (core/deps.ts) hold it.
 */
export interface AttemptWindow {
  buckets: { at: number; requests: number; failed: number; slow: number }[];
  /** Failures in a row, as this process saw them (its last success reset it): the run rule. */
  run: number;
}

/**
 * What one answered attempt tells the endpoint's health writes (core/delivery/health.ts), and
 * what a process holds of them, summarized, until written (core/deps.ts `HealthMemo.held`,
 * core/delivery/policy/write-behind.ts). Here for the same reason as AttemptWindow.
 */
export interface HealthObservation {
  ok: boolean;
  /** When the attempt started. */
  at: Date;
  error: string | null;
  /** The attempt delivered a test event (`webhook.test`): a 2xx sets `last_verified_at`. */
  test?: boolean;
  /** How long the endpoint took to answer (or to time out). */
  latencyMs?: number;
  /** An AWS destination refused the role or the call (core/delivery/access-denied.ts). */
  accessDenied?: boolean;
  /** How many failed attempts it stands for (a held summary); 1 when absent. */
  count?: number;
}
