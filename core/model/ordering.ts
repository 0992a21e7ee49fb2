/**
 * Ordered delivery (docs/delivery.md, "Ordered delivery"): an endpoint with `ordering: "strict"`
 * gets its events one at a time, in publish order, per SQS FIFO message group. The group is the
 * endpoint, or the endpoint and the value its `ordering_key` picks out of the event, so two
 * customers' events do not wait for each other. Pure: the fan-out computes a task's group here,
 * the endpoint rules check the key path here.
 */
import { createHash } from "node:crypto";

export type Ordering = "none" | "strict";

/** An `ordering_key` is a dotted path into the event: `data.customer.id`, `agent_id`. */
export const ORDERING_KEY = {
  /** Characters of the whole path. */
  maxLength: 200,
  /** Segments (`data.customer.id` is three). */
  maxSegments: 8,
} as const;

/** The event fields a key path may start with (the webhook body's, without `id` and `timestamp`, unique per event). */
const ROOTS = new Set(["data", "agent_id", "type"]);
const SEGMENT = /^[A-Za-z0-9_-]{1,64}$/;

/** Why a key path is refused, or null when it is a valid one. */
export function orderingKeyProblem(path: string): string | null {
  if (path.length === 0 || path.length > ORDERING_KEY.maxLength)
    return `ordering_key must be 1–${ORDERING_KEY.maxLength} characters`;
  const segments = path.split(".");
  if (segments.length > ORDERING_KEY.maxSegments)
    return `ordering_key may have at most ${ORDERING_KEY.maxSegments} segments`;
  if (!ROOTS.has(segments[0]!)) return "ordering_key must start with data, agent_id or type";
  if (!segments.every((s) => SEGMENT.test(s)))
    return "ordering_key segments are letters, digits, _ and - (1–64 each), separated by dots";
  return null;
}

/** What the key is read from: the event as its webhook body shows it. */
export interface KeyedEvent {
  type: string;
  agent_id?: string | number | null;
  data: unknown;
}

/**
 * The key's value in an event: a string, number or boolean at the path; anything else (absent,
 * null, an object) is no value, and the event joins the endpoint's keyless group.
 */
export function orderingKeyValue(path: string, event: KeyedEvent): string | undefined {
  let at: unknown = event;
  for (const segment of path.split(".")) {
    if (at === null || typeof at !== "object" || Array.isArray(at) || !Object.hasOwn(at, segment))
      return undefined;
    at = (at as Record<string, unknown>)[segment];
  }
  if (typeof at === "string" || typeof at === "number" || typeof at === "boolean") return String(at);
  return undefined;
}

/** The ordering an endpoint asks for. */
export interface OrderedEndpoint {
  id: string;
  ordering?: Ordering | null;
  ordering_key?: string | null;
}

export const isOrdered = (e: OrderedEndpoint) => e.ordering === "strict";

/**
 * The FIFO message group of an event at an ordered endpoint: the endpoint id, plus a hash of
 * the key's value (SQS allows 128 characters of a limited alphabet; a hash fits any value and
 * shows none of the payload in queue metrics).
 */
export function orderingGroup(endpoint: OrderedEndpoint, event: KeyedEvent): string {
  const path = endpoint.ordering_key;
  const value = path ? orderingKeyValue(path, event) : undefined;
  if (value === undefined) return endpoint.id;
  return `${endpoint.id}.${createHash("sha256").update(value).digest("base64url").slice(0, 22)}`;
}

/** The FIFO deduplication id of a task: SQS drops a second send of it within 5 minutes. */
export const dedupId = (taskId: string) => createHash("sha256").update(taskId).digest("hex");
