/**
 * The stored webhook endpoint: written by the endpoints service, read by ingest (matching)
 * and delivery (URL, secrets, limits). API bodies and responses live in core/api.
 */
import * as z from "zod";

export const endpointStatus = z.enum(["active", "disabled", "failing"]);
export type EndpointStatus = z.infer<typeof endpointStatus>;

export const endpointRecord = z.object({
  org_id: z.string(),
  id: z.string(),
  label: z.string().nullable(),
  description: z.string().nullable(),
  url: z.string(),
  /** Exact names or patterns (`telephony.*`, `*`); empty = every event type. */
  event_types: z.array(z.string()),
  /**
   * Only events of this agent are delivered; null = all agents. Kept in the JSON type the
   * caller gave (string or integer); matching compares values (core/filters/match.ts).
   */
  agent_id: z.union([z.string(), z.number().int()]).nullable(),
  status: endpointStatus,
  max_retries: z.number().int(),
  timeout_ms: z.number().int(),
  headers: z.record(z.string(), z.string()),
  /** Current signing secret (`whsec_…`); never returned by the API after creation/rotation. */
  secret: z.string(),
  /** The secret before the last rotation; still signs until `previous_secret_expires_at`. */
  previous_secret: z.string().nullable(),
  previous_secret_expires_at: z.string().nullable(),
  /** `v1`: HMAC (`secret` is `whsec_…`); `v1a`: ed25519 (`secret` is the private key, `whsk_…`). */
  signing_version: z.enum(["v1", "v1a"]),
  /** Payload filter as JSON text (docs/filters.md); absent or null = every event. */
  filter: z.string().nullable().optional(),
  /** Events that matched the subscription but not the filter (counted at fan-out). */
  filtered_count: z.number().int().optional(),
  consecutive_failures: z.number().int(),
  /** Start of the current run of failures; `failing` once it is older than the threshold. */
  first_failure_at: z.string().nullable(),
  failing_since: z.string().nullable(),
  last_delivery_at: z.string().nullable(),
  last_error: z.string().nullable(),
  /** When `last_error` happened: it stays after a recovery, as history, and this dates it. */
  last_error_at: z.string().nullable().optional(),
  /**
   * Circuit breaker (docs/delivery.md): null/absent = closed; a time = open until then,
   * after which one task probes (half-open) and a success closes it.
   */
  breaker_open_until: z.string().nullable().optional(),
  /** Until then the endpoint's tasks go to the slow lane (its recent attempts were slow). */
  slow_until: z.string().nullable().optional(),
  /** Deliveries per second at most, across every delivery process; absent or null = unlimited. */
  rate_limit: z.number().int().nullable().optional(),
  /** Last time a test event (`webhook.test`) to this endpoint got a 2xx; absent on older items. */
  last_verified_at: z.string().nullable().optional(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type EndpointRecord = z.infer<typeof endpointRecord>;
