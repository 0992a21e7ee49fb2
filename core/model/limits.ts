/**
 * Every limit of hookrelay's contract, in one place. The API schemas, the services'
 * validation, the stores, core/config/infra.ts (queue and function settings) and the tests
 * all read these, so a limit cannot drift between the HTTP API and the ingest queue, or
 * between what production enforces and what the settings test checks. docs/design.md says
 * where each one is enforced.
 *
 * Plain data, no imports but the identifier limits shared with the client package (client.ts):
 * core/config/infra.ts (loaded by sst.config.ts) imports this file.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

// --- Identifiers -------------------------------------------------------------------------

// Producers validate events before they publish them (the client package's ingest schema), so
// these four are declared there, as plain data too (client.ts).
export {
  AGENT_ID,
  MAX_EVENT_TYPE_LENGTH,
  MAX_ID_LENGTH,
  MAX_PRODUCER_ID_LENGTH,
  MAX_SUBJECT_LENGTH,
} from "./client.js";

// --- Events ------------------------------------------------------------------------------

/** Largest serialized `data` accepted (bytes of UTF-8 JSON). */
export const MAX_DATA_BYTES = 256 * 1024;
/**
 * Deepest nesting of objects/arrays accepted in `data` (itself level 1): DynamoDB stores at
 * most 32 levels and the message item holds `data` one level down.
 */
export const MAX_DATA_DEPTH = 30;
/**
 * Bounds on tenants' JSON Schemas (core/json-schema/complexity.ts, docs/publishing.md): the
 * serialized size (ajv's compile time grows with it), the number of subschemas, the keywords
 * one data value may be checked against at any depth (a recursive `$ref` through a union
 * multiplies at every level), and `maxItems` wherever `uniqueItems` compares elements pairwise.
 */
export const MAX_SCHEMA_BYTES = 32 * 1024;
export const MAX_SCHEMA_NODES = 2_000;
export const MAX_SCHEMA_KEYWORDS_PER_VALUE = 10_000;
export const MAX_UNIQUE_ITEMS = 1_000;
/**
 * The validation budget of one event: keyword evaluations its schema may take on its `data`
 * (an upper bound computed before validating, docs/publishing.md). An evaluation took 20-80 ns
 * on a loaded 2-core machine, so a validation stays within about 0.1 s; an event over it is
 * refused (400 `validation_budget_exceeded`, or the ingest DLQ with that reason).
 */
export const MAX_VALIDATION_WORK = 2_000_000;
/**
 * The filter budget (docs/filters.md, "Limits and cost"): evaluation steps (core/filters/
 * evaluate.ts counts them; about 10 ns each on the 2-core development machine) one payload
 * filter may take on one event, and all of an event's endpoints' filters together. An
 * endpoint whose filter runs out is skipped for that event with a recorded reason
 * (`filter_budget_exceeded`), never silently; once the event's budget is spent, so are the
 * remaining endpoints with a filter. So fan-out spends at most ~10 ms of CPU per event on
 * filters, whatever the tenant wrote. `POST …/filter/test` spends the same per request.
 */
export const FILTER_STEPS = { perEvaluation: 250_000, perEvent: 1_000_000 } as const;
/** Producers may schedule a fan-out (`deliver_at`) at most this far ahead. */
export const MAX_DELIVER_AHEAD_MS = 30 * DAY_MS;
/** An event type's description in the catalog. */
export const MAX_EVENT_TYPE_DESCRIPTION = 500;
/** Examples of an event type's `data`, and the serialized size of each (docs/event-types.md). */
export const MAX_EVENT_TYPE_EXAMPLES = 5;
export const MAX_EXAMPLE_BYTES = 16 * 1024;
/** A deprecation note: why, and what to use instead. */
export const MAX_DEPRECATION_NOTE = 500;
/**
 * Types one `POST /v1/event-types/import` may create or update (each schema compiled and
 * checked against its bounds first; the document itself is under the API's body limit).
 */
export const MAX_IMPORT_TYPES = 100;
/**
 * How long an event's payload is kept (docs/data.md): an organization's `retention_days` and an
 * event type's stay within these bounds; the operator's default (EVENT_RETENTION_DAYS, 30) applies
 * where neither is set. DynamoDB TTL deletes the item after it, at no cost.
 */
export const RETENTION_DAYS = { min: 1, max: 365 } as const;
/**
 * Events one step of an erasure handles (core/erasure): a step reads one page of the subject
 * index and erases those events, then records where it stopped; the next step goes on from there.
 */
export const ERASURE_STEP = 100;

// --- Endpoints ---------------------------------------------------------------------------

export const MAX_URL_LENGTH = 2048;
export const MAX_HEADERS = 20;
export const MAX_HEADER_VALUE = 2048;
/** Event types or patterns one endpoint subscribes to. */
export const MAX_EVENT_TYPES_PER_ENDPOINT = 100;
/** An endpoint's label (also given as `name`, which some clients allow up to 255). */
export const MAX_LABEL_LENGTH = 255;
export const MAX_DESCRIPTION_LENGTH = 1000;
/** Retries after the first attempt; the delivery queue's maxReceiveCount is built from `max`. */
export const RETRIES = { min: 0, max: 10, default: 5 } as const;
/**
 * Per-request timeout; the delivery function's timeout is built from `max`. Up to 120 s:
 * some receivers are slow by design, and clients of other APIs set 60 s or 120 s (docs/seeds.md).
 */
export const TIMEOUT_MS = { min: 1000, max: 120_000, default: 10_000 } as const;
/**
 * Optional deliveries per second to one endpoint (`rate_limit`), honoured across every
 * delivery process through `rate_limit` slots leased in DynamoDB (core/store/rate-limit.ts,
 * docs/delivery.md "Rate limit per endpoint"). The ceiling bounds the writes one endpoint's
 * slots take: two per request (the lease, and setting it free).
 */
export const RATE_LIMIT = { min: 1, max: 500 } as const;
/** Signing secrets: `whsec_` + base64 of this many random bytes. */
export const SECRET_BYTES = { min: 24, max: 64 } as const;
/** A caller's free-form signing key (`webhook_secret`), used as is as the HMAC key. */
export const MAX_RAW_SECRET_LENGTH = 255;
/** Length of a caller-chosen secret string (checked further by SECRET_BYTES). */
export const MAX_SECRET_LENGTH = 200;
/**
 * Retired signing keys that still sign during their grace period (core/model/rotation.ts):
 * a rotation while this many are kept is refused (409) rather than dropping one early.
 */
export const MAX_RETIRED_SECRETS = 3;
/** Default of MAX_ENDPOINTS_PER_ORG (core/config/runtime.ts), enforced by core/endpoints/service.ts. */
export const DEFAULT_MAX_ENDPOINTS_PER_ORG = 20;

// --- Organizations and API keys ----------------------------------------------------------

export const MAX_ORG_NAME_LENGTH = 200;
export const MAX_KEY_NAME_LENGTH = 120;

// --- API ---------------------------------------------------------------------------------

/** Largest request body the API reads (the 256 KiB of `data` plus JSON escaping). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** `?limit=` of every list route. */
export const PAGE_SIZE = { default: 20, max: 100 } as const;
export const MAX_CURSOR_LENGTH = 2048;
/** Deliveries one `POST …/recover` call re-enqueues; the caller calls again for more. */
export const MAX_RECOVER_PER_CALL = 1000;
/**
 * A delivery still `pending` or `retrying` this long after its next attempt was due (or a
 * target with no record this long after its fan-out) is stuck: its task was lost (a crash, a
 * lost queue), and `recover` re-enqueues it. Long enough for a backlogged queue and the
 * scheduler's minute of slack to catch up, so a delivery on its way is rarely sent twice.
 */
export const STUCK_GRACE_MS = 15 * 60_000;
/** Events targeting the endpoint that one `recover` call checks for stuck deliveries (docs/recovery.md). */
export const MAX_RECOVER_SCAN = 10_000;

// --- Delivery ----------------------------------------------------------------------------

/** Bytes of a receiver's response body kept in the attempt log. */
export const RESPONSE_BODY_LIMIT = 4 * 1024;
