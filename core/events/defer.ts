/**
 * Deferred ingest records: an event whose message write DynamoDB refused for throughput (its
 * organization over its shards' capacity, docs/scale.md "hot-tenant-4k") goes back on the
 * ingest queue as a copy sent with a delay, and its record is acknowledged. The batch's other
 * records never wait for it (core/store/throttle-retries.ts: the write is made once).
 *
 * Why a delayed copy and not the record's visibility timeout (the delivery side's short wait):
 * a tenant over capacity for the minutes until its raised shard count starts (RAISE_LEAD_MS)
 * has ~1,000 events/s refused, and a record hidden by its visibility timeout is in flight: some
 * 300,000 of them would pass SQS's ~120,000 in-flight cap, past which receives return nothing
 * for every tenant; each would also spend one of its 5 receives (the DLQ after). A delayed
 * message is neither in flight nor received, and the copy starts a count of its own.
 *
 * What the copy keeps: the original body untouched (a later dead letter carries it), unless
 * the copy would then pass SQS's message size: the body is escaped inside the copy's JSON, and
 * a body SQS took at up to 1 MiB (whitespace, `\u002f`-style escapes: up to 7/6 of it escaped)
 * is then sent compact, re-serialized (what ingest stores is the parsed event either way, and a
 * claimed event's serialized data is at most MAX_DATA_BYTES, so the copy fits); the
 * attributes ingest reads (`traceparent`, `subject`), and the original SQS message id and send
 * time, from which a producer's event without an `id` takes its message id (message-id.ts): the
 * original and its copies are one event, stored once whichever claim wins. The copy's
 * `MessageGroupId` is its organization, so SQS fair queues hand out the other tenants' messages
 * first while this one's pile up. After MAX_DEFERRALS a refused record fails as any transient
 * error does (the queue's own retries, then the DLQ): a tenant is deferred for at least ~40 min.
 */
import * as z from "zod";
import { SQS_MAX_MESSAGE_BYTES } from "../config/index.js";
import { doubling, spreadSeconds } from "../lib/index.js";
import { MAX_ID_LENGTH, MAX_SUBJECT_LENGTH, type QueueMessage } from "../model/index.js";

/** How many times one event is deferred before it fails like any transient error. */
export const MAX_DEFERRALS = 12;
const FIRST_DELAY_SECONDS = 5;
/** SQS's longest `DelaySeconds`. */
const MAX_DELAY_SECONDS = 900;

/**
 * The delay of an event's `n`-th deferral (1-based): 5 s doubling up to 15 min, drawn from its
 * upper half so that copies refused in the same second come back spread; undefined past
 * MAX_DEFERRALS. Pure.
 */
export function deferDelaySeconds(n: number, random: () => number = Math.random): number | undefined {
  if (!Number.isInteger(n) || n < 1 || n > MAX_DEFERRALS) return undefined;
  const top = doubling(FIRST_DELAY_SECONDS, n - 1, MAX_DELAY_SECONDS);
  // Its upper half [top/2, top], to the nearest second.
  return spreadSeconds(top / 2 + 0.5, top / 2, random);
}

/**
 * The copy's body. It cannot be mistaken for a producer's event (a strict object without a
 * `hookrelay` key) nor for a fan-out command (fanout-command.ts). A producer could send one:
 * it is processed as the event in `body` would be, with that event's own validation.
 */
export const deferredEvent = z.strictObject({
  hookrelay: z.literal("deferred"),
  v: z.literal(1),
  /** The organization whose message write was refused: the copy's fair-queue tenant (a producer's copy may omit it). */
  org_id: z.string().min(1).max(MAX_ID_LENGTH).optional(),
  /** The first record's SQS message id and send time (epoch ms): the event's derived id. */
  sqs_message_id: z.string().min(1).max(128),
  sent_at: z.number().int().nonnegative(),
  deferrals: z.number().int().min(1).max(MAX_DEFERRALS),
  traceparent: z.string().max(512).optional(),
  subject: z.string().max(MAX_SUBJECT_LENGTH).optional(),
  /** The producer's message body, byte for byte. */
  body: z.string(),
});
export type DeferredEvent = z.infer<typeof deferredEvent>;

/** A record as ingest reads it: an SQS record's own fields, or a deferred copy's. */
export interface IngestRecord {
  /** The first record's SQS message id (a deferred copy's `sqs_message_id`). */
  messageId: string;
  sentAt?: Date;
  body: string;
  traceparent?: string;
  subject?: string;
  /** How many times the event was deferred so far. */
  deferrals: number;
}

/** The record a copy stands for, or undefined when the body is not a deferred copy. */
export function deferredRecord(parsed: unknown): IngestRecord | undefined {
  const copy = deferredEvent.safeParse(parsed);
  if (!copy.success) return undefined;
  const d = copy.data;
  return {
    messageId: d.sqs_message_id,
    sentAt: d.sent_at > 0 ? new Date(d.sent_at) : undefined,
    body: d.body,
    traceparent: d.traceparent,
    subject: d.subject,
    deferrals: d.deferrals,
  };
}

/**
 * The delayed copy of `r` for its next deferral, as a queue message (`id` is the caller's),
 * or undefined when it was deferred MAX_DEFERRALS times already. `org` is the organization
 * whose message write was refused (WriteThrottled's): the copy's fair-queue tenant, taken from
 * the refusal rather than parsed again out of the body.
 */
export function deferCopy(
  id: string,
  r: IngestRecord,
  org: string,
  random: () => number = Math.random,
): QueueMessage | undefined {
  const delaySeconds = deferDelaySeconds(r.deferrals + 1, random);
  if (delaySeconds === undefined) return undefined;
  let body = deferredBody(r, org);
  // Too large for the queue (the copy escapes the body): the event compact, as ingest parses it.
  if (Buffer.byteLength(body, "utf8") > SQS_MAX_MESSAGE_BYTES) body = deferredBody(compacted(r), org);
  return { id, body, delaySeconds, tenant: org };
}

/** `r` with its body re-serialized without whitespace or needless escapes (it parsed: it was claimed). */
function compacted(r: IngestRecord): IngestRecord {
  try {
    return { ...r, body: JSON.stringify(JSON.parse(r.body)) };
  } catch {
    return r;
  }
}

function deferredBody(r: IngestRecord, org: string): string {
  const copy: DeferredEvent = {
    hookrelay: "deferred",
    v: 1,
    org_id: org,
    sqs_message_id: r.messageId,
    sent_at: r.sentAt?.getTime() ?? 0,
    deferrals: r.deferrals + 1,
    ...(r.traceparent !== undefined ? { traceparent: r.traceparent } : {}),
    ...(r.subject !== undefined ? { subject: r.subject } : {}),
    body: r.body,
  };
  return JSON.stringify(copy);
}
