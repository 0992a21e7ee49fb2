/**
 * A new endpoint's stored record: the caller's settings (already checked) plus the fields
 * that always start the same way (no previous secret, no failures yet). Used by the
 * endpoints service and by the tests that write endpoints straight to the table.
 */
import { type EndpointRecord, newId, RETRIES, TIMEOUT_MS } from "../model/index.js";

/** What a caller chooses; everything else starts the same for every endpoint. */
type Settings =
  | "label"
  | "description"
  | "event_types"
  | "agent_id"
  | "status"
  | "max_retries"
  | "timeout_ms"
  | "rate_limit"
  | "headers"
  | "filter"
  | "signing_version"
  | "ordering"
  | "ordering_key";

export type NewEndpointFields = Pick<EndpointRecord, "org_id" | "url" | "secret"> &
  Partial<Pick<EndpointRecord, Settings | "type" | "aws">>;

export function newEndpointRecord(fields: NewEndpointFields, now: Date): EndpointRecord {
  const at = now.toISOString();
  return {
    org_id: fields.org_id,
    id: newId("ep", now),
    label: fields.label ?? null,
    description: fields.description ?? null,
    url: fields.url,
    // An https endpoint's item stays as it always was: no `type`, no `aws`.
    ...(fields.aws ? { type: fields.type, aws: fields.aws } : {}),
    event_types: fields.event_types ?? [],
    agent_id: fields.agent_id ?? null,
    status: fields.status ?? "active",
    max_retries: fields.max_retries ?? RETRIES.default,
    timeout_ms: fields.timeout_ms ?? TIMEOUT_MS.default,
    rate_limit: fields.rate_limit ?? null,
    headers: fields.headers ?? {},
    secret: fields.secret,
    previous_secret: null,
    previous_secret_expires_at: null,
    signing_version: fields.signing_version ?? "v1",
    filter: fields.filter ?? null,
    // Absent unless asked for: an unordered endpoint's item is as it was (core/model/ordering.ts).
    ...(fields.ordering ? { ordering: fields.ordering, ordering_key: fields.ordering_key ?? null } : {}),
    consecutive_failures: 0,
    first_failure_at: null,
    failing_since: null,
    last_delivery_at: null,
    last_error: null,
    last_error_at: null,
    last_verified_at: null,
    created_at: at,
    updated_at: at,
  };
}
