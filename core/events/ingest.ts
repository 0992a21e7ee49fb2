/**
 * The ingest service: validate an event, store it once, fan it out (now or at `deliver_at`).
 *
 * `ingestEvent` does all of it for one event (the HTTP API, test events). The ingest
 * function's handler instead claims every event of its batch with `claimEvent`
 * concurrently and sends the tasks of all the new ones together (fanout.ts sendUnderLeases).
 *
 * AWS requests for a new event fanned out to N endpoints (cache warm), alone:
 *   1 PutItem of the message (2 with a producer id's key; a BatchWriteItem for "skipped"
 *   records) + ceil(N/10) SendMessageBatch; a complete first fan-out writes nothing more on
 *   the message (fanout.ts sendUnderLeases); in a batch of B such events: B writes +
 *   ceil(B*N/10) SendMessageBatch. No targets: the write alone. `ingestEvent` (HTTP) also
 *   puts an open fan-out marker before the message and deletes it after the sends (2 x 1 WRU).
 * With `deliver_at`: the write + one schedule now; a read, a claim and the sends later.
 */
import type { Uses } from "../deps.js";
import { countFiltered, type FilterCountDeps } from "../filters/index.js";
import { addLogContext, inSpan, logger } from "../log/index.js";
import {
  childSpan,
  type Deprecation,
  type EndpointRecord,
  formatTraceparent,
  newId,
  parseTraceparent,
  payloadExpiry,
  retentionDays,
  ServiceError,
  type SpanStart,
  type StoredMessage,
  startTrace,
} from "../model/index.js";
import {
  completeFanout,
  type FanoutDeps,
  LEASE_MS,
  scheduleFanout,
  selectEndpoints,
  sendUnderLease,
  skippedRecords,
} from "./fanout.js";
import { messageIdFromSqs } from "./message-id.js";
import { payloadHash } from "./payload-hash.js";
import { type ValidEvent, validateEvent } from "./validate.js";

/** Ingest uses every part: validation (catalog, clock), matching (directory), the table, the queue, the scheduler. */
export type IngestDeps = FanoutDeps & Uses<"eventTypes" | "tracer">;

export interface IngestOptions {
  /** The SQS message id (and send time): without a producer id, the message id derives from it. */
  sqsMessageId?: string;
  sqsSentAt?: Date;
  /** Test events: deliver to exactly these endpoints, whatever their subscriptions. */
  only?: EndpointRecord[];
  /** The caller writes the filter counts when its batch ends (core/filters/counts.ts); else at once. */
  batch?: boolean;
  /**
   * Mark the fan-out open until this caller has seen it through (core/store/open-fanouts.ts):
   * nothing retries an HTTP publish whose process dies, but the sweep (sweep.ts) finishes it.
   * An SQS record needs none: its redelivery finishes it.
   */
  open?: boolean;
  /**
   * The producer's W3C `traceparent` (the HTTP header, or the SQS message attribute): kept with
   * the event when valid; otherwise (absent or invalid, which is ignored) ingest starts a trace.
   */
  traceparent?: string;
  /**
   * The ingest function: a throttled message write throws at once instead of waiting out the
   * SDK's backoff; the handler defers the record on its queue (defer.ts).
   */
  throttledOnce?: boolean;
}

/** What claiming an event found. */
export type Claim =
  /**
   * Stored now: this caller owns the fan-out (and holds the send lease when there are
   * targets). With `deliverAt` the fan-out waits for it; otherwise `m.targets` get tasks.
   */
  (
    | { created: true; m: StoredMessage; deliverAt?: Date }
    /** Seen before (same producer id within 24 h, or a redelivered SQS message): `id` is the stored message. */
    | { created: false; org_id: string; id: string }
  ) & {
    /** The type's deprecation, when it is deprecated (the HTTP answer carries it). */
    deprecation?: Deprecation;
  };

export interface IngestResult {
  id: string;
  /** The event was seen before (same producer id within 24 h, or a redelivered SQS message). */
  duplicate: boolean;
  /** The fan-out waits for `deliver_at`. */
  scheduled: boolean;
  /** Present when the event's type is deprecated: the note says why and what to use instead. */
  deprecation?: Deprecation;
}

/**
 * Validates an event, decides its targets and stores it with one conditional write (the
 * idempotency claim). Throws ServiceError (4xx) for invalid input.
 */
export async function claimEvent(deps: ClaimDeps, input: unknown, opts: IngestOptions = {}): Promise<Claim> {
  const ev = await validateEvent(deps, input);
  // A deleted organization gets nothing stored (its data is being forgotten): the ingest DLQ
  // keeps the event with this reason. HTTP publishers never get here (their keys are revoked).
  if (await deps.endpoints.deleted(ev.org_id)) {
    throw new ServiceError(404, "organization_deleted", `organization ${ev.org_id} was deleted`);
  }
  const now = deps.now();
  // Without a producer id, an SQS record's message id derives from the record's (its redelivery
  // finds the message); any other id is new, this call's own.
  const sqsId = ev.producer_id ? undefined : opts.sqsMessageId;
  const id = sqsId ? messageIdFromSqs(sqsId, opts.sqsSentAt ?? now) : newId("msg", now);

  const m: StoredMessage = {
    org_id: ev.org_id,
    id,
    type: ev.type,
    agent_id: ev.agent_id,
    data: ev.data,
    producer_id: ev.producer_id,
    created_at: now.toISOString(),
    deliver_at: ev.deliver_at?.toISOString() ?? null,
    schema_version: ev.schema_version,
    targets: [],
    sent: [],
    fanout_at: ev.deliver_at ? null : now.toISOString(),
    ...(ev.subject !== null ? { subject: ev.subject } : {}),
    traceparent: traceOf(opts.traceparent, now),
  };
  addLogContext({ org_id: m.org_id, msg_id: m.id, trace_id: m.traceparent!.slice(3, 35) });
  // The ingest's span (docs/tracing.md "Spans"): stored once, its targets chosen.
  return inSpan(
    deps,
    ingestSpan(m, now, parseTraceparent(opts.traceparent) === undefined),
    () => storeClaim(deps, ev, m, now, { ...opts, newId: !sqsId }),
    (c) => ({ annotations: { created: c.created, targets: c.created ? c.m.targets.length : 0 } }),
  );
}

type ClaimDeps = Uses<"config" | "endpoints" | "eventTypes" | "fanoutStore" | "tracer"> & FilterCountDeps;

/**
 * A child span of the producer's, annotated for search. When ingest started the trace, the
 * stored `traceparent`'s span is no producer's: the ingest span is that span, the trace's root,
 * and the attempts (its children) hang under it.
 */
function ingestSpan(m: StoredMessage, startedAt: Date, startedHere: boolean): SpanStart {
  const parent = parseTraceparent(m.traceparent)!;
  return {
    name: "hookrelay.ingest",
    span: startedHere ? parent : childSpan(parent),
    ...(startedHere ? {} : { parentId: parent.spanId }),
    startedAt,
    annotations: { trace_id: parent.traceId, org_id: m.org_id, msg_id: m.id, event_type: m.type },
  };
}

/** The event's one conditional write, with its targets decided before it. */
async function storeClaim(
  deps: ClaimDeps,
  ev: ValidEvent,
  m: StoredMessage,
  now: Date,
  opts: IngestOptions & { newId: boolean },
): Promise<Claim> {
  m.expires_at = payloadExpiry(m, await eventRetention(deps, ev));
  // Targets are decided before the write so that one conditional write stores everything.
  const matched = ev.deliver_at ? { targets: [], skipped: [] } : await selectEndpoints(deps, m, opts.only);
  m.targets = matched.targets.map((e) => e.id);
  if (matched.skipped.length > 0) m.skipped = matched.skipped.map((e) => e.id);

  const res = await deps.fanoutStore.create(m, {
    now,
    // This invocation sends the tasks; a concurrent duplicate must not send them too.
    leaseUntil: m.targets.length > 0 ? now.getTime() + LEASE_MS : undefined,
    skipped: skippedRecords(m, matched, deps.now()),
    payloadHash: payloadHash(m),
    open: opts.open === true && (m.targets.length > 0 || Boolean(ev.deliver_at)),
    throttledOnce: opts.throttledOnce,
    newId: opts.newId,
  });
  if (!res.created && res.reason === "conflict") throw idempotencyConflict(ev.producer_id!, res.msgId);
  const note = ev.deprecation ? { deprecation: ev.deprecation } : {};
  if (!res.created) return { created: false, org_id: ev.org_id, id: res.msgId, ...note };
  const deliverAt = ev.deliver_at ?? undefined;
  if (res.msgId) return { created: true, m: { ...m, id: res.msgId }, deliverAt, ...note };
  await countFiltered(deps, m.org_id, matched.filtered, opts);
  // Debug only: a line per event at 10,000 events/s is CloudWatch Logs' biggest bill.
  logger.debug("event stored", { targets: m.targets.length, scheduled: deliverAt !== undefined });
  return { created: true, m, deliverAt, ...note };
}

/**
 * The event's trace context: the producer's, or a new trace. An invalid `traceparent` is
 * ignored, as the W3C spec tells a receiver to (docs/tracing.md), and logged.
 */
function traceOf(given: string | undefined, now: Date): string {
  const parsed = parseTraceparent(given);
  if (given !== undefined && !parsed) {
    logger.info("invalid traceparent ignored; a new trace was started", { traceparent: given.slice(0, 64) });
  }
  return formatTraceparent(parsed ?? startTrace(now));
}

/** The event's retention in days: its type's, its organization's, or the operator's default. */
async function eventRetention(
  deps: Uses<"config" | "endpoints">,
  ev: Pick<ValidEvent, "org_id" | "retention_days">,
): Promise<number> {
  return retentionDays({
    type: ev.retention_days,
    org: await deps.endpoints.retentionDays(ev.org_id),
    fallback: deps.config.retention.eventDays,
  });
}

/** 409: a producer id reused within the idempotency window for another payload (Stripe's rule). */
function idempotencyConflict(producerId: string, msgId: string): ServiceError {
  return new ServiceError(
    409,
    "idempotency_conflict",
    `id ${JSON.stringify(producerId)} was already published with a different payload (event ${msgId}); use a new id for a new event`,
    { event_id: msgId },
  );
}

export async function ingestEvent(
  deps: IngestDeps,
  input: unknown,
  opts: IngestOptions = {},
): Promise<IngestResult> {
  const claim = await claimEvent(deps, input, { ...opts, open: true });
  const note = claim.deprecation ? { deprecation: claim.deprecation } : {};
  if (!claim.created) {
    // Acknowledge, and finish whatever the first attempt left undone (sends, schedule).
    await completeFanout(deps, claim.org_id, claim.id);
    return { id: claim.id, duplicate: true, scheduled: false, ...note };
  }
  const { m, deliverAt } = claim;
  if (deliverAt) {
    await scheduleFanout(deps, m, deliverAt);
    await closeFanout(deps, m);
    return { id: m.id, duplicate: false, scheduled: true, ...note };
  }
  await sendUnderLease(deps, m, { firstPass: true });
  await closeFanout(deps, m);
  return { id: m.id, duplicate: false, scheduled: false, ...note };
}

/**
 * The fan-out is seen through (tasks queued, or the schedule made): its open marker goes.
 * If deleting it fails the event is still acknowledged; the sweep finds it done later.
 */
async function closeFanout(deps: Uses<"fanoutStore">, m: StoredMessage): Promise<void> {
  if (m.targets.length === 0 && m.deliver_at === null) return;
  await deps.fanoutStore.close(m).catch((err: Error) => {
    logger.warn("open fan-out marker not deleted; the sweep will", { msg_id: m.id, error: err.message });
  });
}
