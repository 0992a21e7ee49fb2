/**
 * Events ("messages"): what is stored and the body receivers get (what producers publish, the
 * ingest message, is shared with the client package: client.ts).
 */

export interface MessageRecord {
  org_id: string;
  id: string;
  type: string;
  agent_id: string | null;
  data: Record<string, unknown>;
  /** Producer's idempotency key, if one was given. */
  producer_id: string | null;
  created_at: string;
  deliver_at: string | null;
  /** The version of its type's schema the data was validated against (absent on events stored before versions). */
  schema_version?: number;
  /** Endpoints the message was fanned out to (matching and enabled at fan-out time). */
  targets: string[];
  /** Endpoints whose delivery task is on the queue; fan-out is complete when it covers `targets`. */
  sent: string[];
  /** The data subject the producer tagged the event with (erasable by it: core/erasure). */
  subject?: string;
  /**
   * When the payload is deleted (epoch seconds, the table's TTL attribute): the event's
   * retention (core/model/retention.ts) from when it is delivered. Set by ingest.
   */
  expires_at?: number;
  /** When the payload was erased (an erasure by subject, or `DELETE /v1/events/{id}/payload`). */
  erased_at?: string;
  /**
   * The event's W3C trace context, version 00 (55 characters): the producer's `traceparent`
   * when it gave a valid one, else a trace ingest started (core/model/trace.ts). Absent on
   * events stored before tracing.
   */
  traceparent?: string;
}

/** The stored message: the record plus when its fan-out was decided (null while scheduled). */
export interface StoredMessage extends MessageRecord {
  fanout_at: string | null;
  /** Endpoints that were disabled at fan-out (each has a "skipped" delivery record). */
  skipped?: string[];
}

/**
 * Characters SQS refuses in a message body (U+FFFE, U+FFFF) and, in the local emulator, any
 * beyond U+FFFF (surrogate pairs). JSON.stringify leaves them raw; lone surrogates and
 * control characters it already escapes.
 */
const QUEUE_UNSAFE = /[\ufffe\uffff]|[\ud800-\udbff][\udc00-\udfff]/g;

/** JSON.stringify replacer: objects below the envelope with their keys sorted (arrays keep their order). */
function sortedKeys(this: unknown, key: string, value: unknown): unknown {
  if (key === "" || value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const obj = value as Record<string, unknown>;
  // fromEntries defines own properties, so a `__proto__` key stays data.
  return Object.fromEntries(
    Object.keys(obj)
      .sort()
      .map((k) => [k, obj[k]]),
  );
}

/**
 * The JSON body every receiver gets (docs/design.md, "One event, from publish to receipt"). The delivery task carries
 * it through SQS, so the characters above are written as JSON escapes (`\\uXXXX`): the same
 * JSON value, but a body the queue accepts.
 *
 * Object keys inside `data` are written in sorted order: DynamoDB keeps no key order in a
 * map, so an event read back (a scheduled fan-out, a resend, the portal's attempt detail)
 * would otherwise serialize differently from its first delivery. Sorted, every copy of an
 * event is the same bytes, and the bytes sent can be rebuilt from the stored event.
 */
export function webhookBody(
  m: Pick<MessageRecord, "id" | "type" | "created_at" | "agent_id" | "data">,
): string {
  return JSON.stringify(
    {
      id: m.id,
      type: m.type,
      timestamp: m.created_at,
      ...(m.agent_id !== null ? { agent_id: m.agent_id } : {}),
      data: m.data,
    },
    sortedKeys,
  ).replace(QUEUE_UNSAFE, (c) =>
    Array.from({ length: c.length }, (_, i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, "0")}`).join(
      "",
    ),
  );
}
