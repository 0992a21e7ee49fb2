/**
 * Errors services throw; the API maps each to `{ "error": { "code", "message", "details"? } }`
 * with its HTTP status. Services never build HTTP responses themselves.
 */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500 | 503;

/**
 * Every `code` an API error carries, with its status and meaning: the one list ServiceError
 * and the API's error answers take their codes from, and the OpenAPI document enumerates (the
 * `Error` schema, core/api/errors.ts). A new code is added here first.
 */
export const API_ERROR_CODES = {
  validation_error:
    "400: the body, path or query failed its schema or a rule (details: where and what, never the values)",
  malformed_json: "400: the body is not valid JSON",
  bad_request: "400: any other malformed request",
  invalid_cursor: "400: the cursor is not one this list of this organization gave",
  invalid_url: "400: the endpoint URL is refused (scheme, address, length)",
  invalid_event_types:
    "400: the endpoint names event types outside the catalog, or an imported document has invalid types (details: which)",
  archived_event_types: "400: the endpoint subscribes anew to archived event types (details: which)",
  invalid_filter: "400: the endpoint's filter does not compile or exceeds its bounds (details: where)",
  invalid_ordering:
    '400: `ordering_key` is not a valid key path, or is given without `ordering: "strict"` (docs/delivery.md)',
  ordering_unavailable:
    '400: the deployment has no ordered delivery queue, so `ordering: "strict"` is refused',
  invalid_secret: "400: the signing secret given is not one the endpoint can use",
  invalid_destination:
    "400: an AWS endpoint's role, target or type is refused (shape, partition, account; docs/destinations.md)",
  endpoint_limit_reached: "400: the organization has as many endpoints as it may",
  unknown_event_type: "400: the event type is not in the catalog",
  schema_mismatch: "400: the event's data does not match its type's schema (details: where)",
  validation_budget_exceeded: "400: the event's data is too large to be checked against its type's schema",
  event_type_archived: "400: the event type is archived and accepts no new events",
  invalid_deliver_at: "400: `deliver_at` is more than 30 days ahead",
  invalid_event_schema: "400: the event type's JSON Schema cannot be compiled",
  schema_too_complex: "400: a JSON Schema exceeds the schema bounds (the message names the bound)",
  example_mismatch: "400: an example of the event type does not match its schema (details: where)",
  reserved_event_type:
    "400: event types under the service's own prefix (or named openapi.json) cannot be created",
  invalid_document: "400: the document to import is not OpenAPI 3.1 or has no webhooks",
  too_many_types: "400: the document to import has more event types than one import takes",
  unauthorized: "401: missing, malformed, unknown or revoked API key or portal session token",
  session_expired: "401: the portal session has expired (details: its return_url)",
  session_revoked: "401: the portal session was revoked (details: its return_url)",
  forbidden: "403: the key's role, or a portal session, may not call this route",
  capability_required: "403: the portal session lacks the capability this route needs",
  secret_retrieval_disabled: "403: this deployment does not return endpoint secrets",
  not_found: "404: no such route or item (another organization's ids included)",
  agent_not_found: "404: no such agent (seed 003's routes)",
  organization_deleted: "404: the organization was deleted",
  conflict: "409: the item already exists",
  organization_exists: "409: an organization with this id already exists",
  event_type_exists: "409: the event type is already in the catalog",
  event_type_changed: "409: the event type was changed meanwhile; read it again and retry",
  event_type_in_use: "409: endpoints subscribe to the event type by name (details: which)",
  default_event_type: "409: a default event type cannot be deleted (archive it instead)",
  idempotency_conflict: "409: the event id was already published with a different payload",
  endpoint_disabled: "409: the endpoint is disabled; enable it first",
  endpoint_paused: "409: the endpoint is paused; resume it (status active) first",
  event_expired: "409: the event's payload passed its retention; nothing is left to send (docs/data.md)",
  event_erased: "409: the event's payload was erased; nothing is left to send (docs/data.md)",
  too_many_secrets: "409: too many earlier secrets still sign (details: when to rotate again)",
  private_key_not_revealed: "409: the endpoint signs with an ed25519 private key, which is never returned",
  task_finished: "409: the task has already finished or been canceled",
  platform_organization: "409: the platform organization cannot be deleted",
  payload_too_large: "413: the body (or the event) exceeds its size limit",
  unsupported_media_type: "415: the body is not application/json",
  internal_error: "500: an internal error (no internals are returned)",
  portal_not_configured: "503: this deployment has no portal secret",
} as const;
export type ApiErrorCode = keyof typeof API_ERROR_CODES;

export class ServiceError extends Error {
  constructor(
    readonly status: ErrorStatus,
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ServiceError";
  }
}

export const validationError = (message: string, details?: unknown) =>
  new ServiceError(400, "validation_error", message, details);

export const notFound = (what: string) => new ServiceError(404, "not_found", `${what} not found`);

export const conflict = (code: ApiErrorCode, message: string) => new ServiceError(409, code, message);

export const payloadTooLarge = (message: string) => new ServiceError(413, "payload_too_large", message);

/**
 * DynamoDB refused an organization's write for throughput, and its caller asked to hear of it
 * at once rather than wait out the SDK's retries (core/store/throttle-retries.ts): the ingest
 * function defers the record on its queue (core/events/defer.ts).
 */
export class WriteThrottled extends Error {
  constructor(
    readonly org: string,
    options?: { cause?: unknown },
  ) {
    super(`DynamoDB refused a write of organization ${org} for throughput`, options);
    this.name = "WriteThrottled";
  }
}
