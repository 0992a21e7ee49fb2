/**
 * The ingest function's SQS handler: each record is a producer's event or a scheduled
 * fan-out command. The batch is processed in two steps:
 *
 * 1. every record concurrently: parse, validate, match and claim (the conditional write
 *    that makes the producer id idempotent), or, off the fast path, the per-event code
 *    (a duplicate or redelivery completes what its first attempt left undone, a scheduled
 *    event is scheduled, a fan-out command fans out);
 * 2. the tasks of all events claimed in step 1 go out together (SendMessageBatch calls mix
 *    events); a complete first fan-out records nothing more (fanout.ts sendUnderLeases); a
 *    task that finally fails fails only its own event's record.
 *
 * A record fails or succeeds on its own:
 *
 * - invalid input (bad JSON, schema, unknown type, too large, deliver_at too far) is a
 *   permanent failure: the original body goes to the ingest DLQ with `error_code` and
 *   `error_message` attributes, a warning is logged (ids and reason, never the payload), and
 *   the record is acknowledged, so it never blocks or repeats the batch;
 * - so is an item DynamoDB refuses (ValidationException), dead-lettered as
 *   `unprocessable_event`: retrying it could never succeed;
 * - a message write DynamoDB refuses for throughput (the organization over its shards'
 *   capacity) is made once, not waited out, and the event goes back on the queue as a delayed
 *   copy (defer.ts): the batch's other records, other tenants' among them, never wait for it;
 * - anything else (DynamoDB/SQS errors) is transient: the record is reported in
 *   `batchItemFailures` and SQS delivers it again after the visibility timeout.
 *
 * Organizations exist implicitly here: producers are trusted platform services, so any
 * `org_id` is accepted (an organization without endpoints simply gets no tasks).
 */
import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import type { Parts, Uses } from "../deps.js";
import { writeFilterCounts } from "../filters/index.js";
import { logger, withInvocation, withLogContext } from "../log/index.js";
import { ServiceError, type StoredMessage, validationError } from "../model/index.js";
import { sendToDlq } from "../queue/index.js";
import { deferredRecord, type IngestRecord } from "./defer.js";
import { deferThrottled } from "./defer-send.js";
import { completeFanout, scheduleFanout, sendUnderLeases } from "./fanout.js";
import { fanoutCommand } from "./fanout-command.js";
import { type Claim, claimEvent, type IngestDeps } from "./ingest.js";

/** What the ingest function is handed (core/compose.ts contextFor), listed once. */
export const INGEST_PORTS = [
  "config",
  "now",
  "tracer",
  "taskQueue",
  "scheduler",
  "endpoints",
  "eventTypes",
  "messageStore",
  "deliveryStore",
  "fanoutStore",
  "filterCountStore",
  "filterCounts",
] as const satisfies Parts;

export type IngestContext = Uses<(typeof INGEST_PORTS)[number]>;

export function createIngestHandler(
  deps: IngestContext,
): (event: SQSEvent, context?: Pick<Context, "awsRequestId">) => Promise<SQSBatchResponse> {
  return (event, context) => withInvocation(context, () => ingestBatch(deps, event));
}

async function ingestBatch(deps: IngestContext, event: SQSEvent): Promise<SQSBatchResponse> {
  const records = event.Records.map(ingestRecordOf);
  // Each record logs in its own context: claiming it adds its msg_id and trace_id (ingest.ts).
  const claims = await Promise.allSettled(
    event.Records.map((r, i) =>
      withLogContext({ sqs_message_id: r.messageId }, () => processRecord(deps, records[i]!)),
    ),
  );
  // The batch's filter counts: each endpoint's written at most once per 5 s per process (core/filters/counts.ts).
  await writeFilterCounts(deps);
  const outcomes: (unknown | undefined)[] = claims.map((c) =>
    c.status === "rejected" ? c.reason : undefined,
  );
  // Events claimed now with targets: this invocation holds their send leases.
  const toSend: number[] = [];
  claims.forEach((c, i) => {
    if (c.status === "fulfilled" && c.value) toSend.push(i);
  });
  // Their tasks go out while the events whose message write was refused for throughput go back
  // on the queue, delayed (defer.ts): neither waits for the other.
  const [sent, deferred] = await Promise.all([
    toSend.length > 0
      ? sendUnderLeases(
          deps,
          toSend.map((i) => (claims[i] as PromiseFulfilledResult<StoredMessage>).value),
          { firstPass: true },
        )
      : [],
    deferThrottled(deps, records, outcomes),
  ]);
  toSend.forEach((i, k) => {
    outcomes[i] = sent[k];
  });
  for (const [i, done] of deferred) if (done) outcomes[i] = undefined;
  const batchItemFailures: SQSBatchItemFailure[] = [];
  outcomes.forEach((reason, i) => {
    if (reason === undefined) return;
    const record = event.Records[i]!;
    const err = reason as Error;
    logger.error("ingest record failed; SQS will retry it", {
      sqs_message_id: record.messageId,
      receive_count: record.attributes.ApproximateReceiveCount,
      error: { name: err?.name, message: err?.message },
    });
    batchItemFailures.push({ itemIdentifier: record.messageId });
  });
  return { batchItemFailures };
}

/** The record as ingest reads it: its own fields, or those of the event a deferred copy carries. */
function ingestRecordOf(record: SQSRecord): IngestRecord {
  // Only deferCopy's own serialization is a copy (cheap to tell before parsing anything).
  if (record.body.startsWith('{"hookrelay":"deferred"')) {
    try {
      const copy = deferredRecord(JSON.parse(record.body));
      if (copy) return copy;
    } catch {}
  }
  const sentAt = Number(record.attributes.SentTimestamp);
  return {
    messageId: record.messageId,
    sentAt: Number.isFinite(sentAt) && sentAt > 0 ? new Date(sentAt) : undefined,
    body: record.body,
    // Producers publishing straight to the queue give the trace as a message attribute.
    traceparent: record.messageAttributes?.traceparent?.stringValue,
    subject: record.messageAttributes?.subject?.stringValue,
    deferrals: 0,
  };
}

/**
 * Everything a record needs before its tasks go out. Returns the message when this
 * invocation claimed it with targets to send now; otherwise the record is done.
 */
async function processRecord(deps: IngestDeps, record: IngestRecord): Promise<StoredMessage | undefined> {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    await deadLetter(deps, record, undefined, {
      code: "invalid_json",
      message: "message body is not valid JSON",
    });
    return undefined;
  }
  const cmd = fanoutCommand.safeParse(body);
  if (cmd.success) {
    await completeFanout(deps, cmd.data.org_id, cmd.data.msg_id);
    return undefined;
  }
  let claim: Claim;
  try {
    claim = await claimEvent(deps, withSubjectAttribute(body, record), {
      sqsMessageId: record.messageId,
      sqsSentAt: record.sentAt,
      batch: true,
      traceparent: record.traceparent,
      // A refused message write throws at once: the batch does not wait for it (deferThrottled).
      throttledOnce: true,
    });
  } catch (err) {
    if (err instanceof ServiceError && err.status < 500) {
      await deadLetter(deps, record, body, err);
      return undefined;
    }
    if (isPermanentStoreError(err)) {
      await deadLetter(deps, record, body, {
        code: "unprocessable_event",
        message: `the event cannot be stored: ${err.message}`,
      });
      return undefined;
    }
    throw err;
  }
  if (!claim.created) {
    // Acknowledge, and finish whatever the first attempt left undone (sends, schedule).
    await completeFanout(deps, claim.org_id, claim.id);
    return undefined;
  }
  if (claim.deliverAt) {
    await scheduleFanout(deps, claim.m, claim.deliverAt);
    return undefined;
  }
  return claim.m.targets.length > 0 ? claim.m : undefined;
}

/**
 * The `subject` SQS message attribute (docs/data.md): producers may tag an event with its data
 * subject there instead of in the body. The body's own `subject` must then agree (a 400 for the
 * DLQ otherwise); the event's schema bounds it either way.
 */
function withSubjectAttribute(body: unknown, record: IngestRecord): unknown {
  const attr = record.subject;
  if (attr === undefined || body === null || typeof body !== "object" || Array.isArray(body)) return body;
  const own = (body as { subject?: unknown }).subject;
  if (own !== undefined && own !== attr) {
    throw validationError("the subject message attribute differs from the event's subject", [
      { path: "subject", message: "differs from the subject message attribute" },
    ]);
  }
  return { ...body, subject: attr };
}

/**
 * DynamoDB refuses this very item (ValidationException: item too large, a value it cannot
 * hold): every retry would fail the same way, and the queue's redrive would then drop the
 * message into the DLQ without a reason. Throttling and outages have other names and stay
 * transient.
 */
function isPermanentStoreError(err: unknown): err is Error {
  return err instanceof Error && err.name === "ValidationException";
}

/** Why an ingest message is dead-lettered (a ServiceError is one). */
interface Rejection {
  code: string;
  message: string;
  details?: unknown;
}

async function deadLetter(
  deps: Uses<"taskQueue">,
  record: IngestRecord,
  body: unknown,
  { code, message, details }: Rejection,
): Promise<void> {
  const meta = body !== null && typeof body === "object" ? (body as Record<string, unknown>) : {};
  // Ids and the reason only: the payload may hold personal data.
  logger.warn("invalid ingest message dead-lettered", {
    sqs_message_id: record.messageId,
    org_id: typeof meta.org_id === "string" ? meta.org_id.slice(0, 128) : undefined,
    type: typeof meta.type === "string" ? meta.type.slice(0, 128) : undefined,
    error_code: code,
    error_message: message,
    size: record.body.length,
  });
  const failed = await sendToDlq(deps.taskQueue, "ingestDlq", [
    {
      id: record.messageId,
      // The original body, untouched, so the message can be fixed and redriven.
      body: record.body,
      attributes: {
        error_code: code,
        error_message: message,
        source_message_id: record.messageId,
        error_details: details === undefined ? undefined : JSON.stringify(details),
      },
    },
  ]);
  // Not dead-lettered: fail the record, so SQS offers it again.
  if (failed.length > 0) throw new Error(`could not dead-letter ingest message ${record.messageId}`);
}
