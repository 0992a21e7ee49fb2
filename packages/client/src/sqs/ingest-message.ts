/**
 * The ingest message: what producers publish to the ingest queue (and `POST /v1/events` takes).
 * Declared in the client package because its producer helper validates events before sending;
 * the server's model re-exports it (core/model/client.ts), so the producer
 * and the ingest function read one schema and the client never imports server code.
 */
import * as z from "zod";

/** Ids in paths and bodies (`ep_…`, `msg_…`, organization ids): longer ones are never ours. */
export const MAX_ID_LENGTH = 64;
/** A producer's idempotency key (`id` of a published event). */
export const MAX_PRODUCER_ID_LENGTH = 128;
/**
 * An agent id, on events and on endpoint filters alike: a string of 1-128 characters or a
 * non-negative integer (stored as its decimal string). One rule for both, so every endpoint
 * filter can match some event.
 */
export const AGENT_ID = { maxLength: 128, minInteger: 0 } as const;
/**
 * An event-type name, wherever one appears: the catalog, a published event, an endpoint's
 * subscription (a pattern is never longer than the names it matches) and the list filter.
 */
export const MAX_EVENT_TYPE_LENGTH = 128;

/**
 * Agent ids are UUIDs on some platforms and integers on others. One rule for events and for
 * endpoint filters (an endpoint filtered to an id no event may carry would never match);
 * `String(agent_id)` is what is stored and compared.
 */
export const agentIdInput = z.union([
  z.string().min(1).max(AGENT_ID.maxLength),
  z.number().int().min(AGENT_ID.minInteger),
]);
export const agentId = agentIdInput.transform((v) => String(v));

/**
 * A data subject (`subject` of an event, or the `subject` SQS message attribute): an opaque id
 * of the person the event is about (a user id), by which `POST /v1/erasures` erases its
 * payloads. Bounded so the index it is stored under stays small.
 */
export const MAX_SUBJECT_LENGTH = 256;
export const subjectString = z
  .string()
  .min(1)
  .max(MAX_SUBJECT_LENGTH)
  .regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces");

/** An event-type name (or, on an endpoint, a pattern): the one length limit everywhere. */
export const eventTypeString = z.string().min(1).max(MAX_EVENT_TYPE_LENGTH);

/**
 * The fields a producer gives, as the API declares them (`POST /v1/events` is exactly this);
 * `ingestMessage` adds the organization and turns the agent id into its stored string.
 */
export const publishFields = {
  type: eventTypeString,
  data: z.record(z.string(), z.unknown()),
  /** Producer's idempotency key: accepted once per organization within 24 h. */
  id: z
    .string()
    .min(1)
    .max(MAX_PRODUCER_ID_LENGTH)
    .regex(/^[A-Za-z0-9._:-]+$/, "may contain letters, digits, '.', '_', ':' and '-'")
    .optional(),
  agent_id: agentIdInput.optional(),
  /** Future fan-out time (ISO 8601), at most 30 days ahead. */
  deliver_at: z.iso.datetime({ offset: true }).optional(),
  /** The data subject (a user id): `POST /v1/erasures` erases every payload of it. */
  subject: subjectString.optional(),
};

/** The ingest message: the body of an SQS message on the ingest queue and of `POST /v1/events`. */
export const ingestMessage = z.strictObject({
  ...publishFields,
  org_id: z.string().min(1).max(MAX_ID_LENGTH),
  agent_id: agentId.optional(),
});
export type IngestMessage = z.infer<typeof ingestMessage>;
