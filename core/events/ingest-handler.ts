/**
 * The ingest function's SQS handler: each record is a producer's event or a scheduled
 * fan-out command. The batch is processed in two steps:
 *
 * 1. every record concurrently: parse, validate, match and claim (the conditional write
 *    that makes the producer id idempotent), or, off the fast path, the per-event code
 *    (a duplicate or redelivery completes what its first attempt left undone, a scheduled
 *    event is scheduled, a fan-out command fans out);
 * 2. the tasks of all events claimed in step 1 go out together (SendMessageBatch calls mix
 *    events) and their completion is recorded together (fanout.ts sendUnderLeases); a task
 *    that finally fails fails only its own event's record.
 *
 * A record fails or succeeds on its own:
 *
 * - invalid input (bad JSON, schema, unknown type, too large, deliver_at too far) is a
 *   permanent failure: the original body goes to the ingest DLQ with `error_code` and
 *   `error_message` attributes, a warning is logged (ids and reason, never the payload), and
 *   the record is acknowledged, so it never blocks or repeats the batch;
 * - so is an item DynamoDB refuses (ValidationException), dead-lettered as
 *   `unprocessable_event`: retrying it could never succeed;
 * - anything else (DynamoDB/SQS errors) is transient: the record is reported in
 *   `batchItemFailures` and SQS delivers it again after the visibility timeout.
 *
 * Organizations exist implicitly here: producers are trusted platform services, so any
 * `org_id` is accepted (an organization without endpoints simply gets no tasks).
 */
import { type MessageAttributeValue, SendMessageCommand } from "@aws-sdk/client-sqs";
import type { SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { SQS_MAX_MESSAGE_BYTES } from "../config/infra.js";
import type { Deps } from "../deps.js";
import { logger } from "../log/logger.js";
import { ServiceError } from "../model/errors.js";
import { messageBytes } from "../queue/send.js";
import type { StoredMessage } from "../store/messages.js";
import { completeFanout, scheduleFanout, sendUnderLeases } from "./fanout.js";
import { fanoutCommand } from "./fanout-command.js";
import { type Claim, claimEvent } from "./ingest.js";

/** SQS attribute values are capped at the message size; keep reasons short and readable. */
const MAX_REASON_CHARS = 1024;

/**
 * SQS refuses a whole message whose attributes hold characters outside its set (NUL, lone
 * surrogates, U+FFFE…). Reasons quote the producer's input (`type`, zod messages) and the cut
 * above may split a surrogate pair, so replace such characters rather than fail the
 * dead-lettering, which would retry the record until the queue's redrive drops its reason.
 * (Characters beyond U+FFFF are replaced too: SQS accepts them, the local emulator does not.)
 */
function sqsSafe(v: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: SQS's own character rule.
  return v.replace(/[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd]/gu, "\ufffd");
}

export function createIngestHandler(deps: Deps): (event: SQSEvent) => Promise<SQSBatchResponse> {
  return async (event) => {
    const claims = await Promise.allSettled(event.Records.map((r) => processRecord(deps, r)));
    const outcomes: (unknown | undefined)[] = claims.map((c) =>
      c.status === "rejected" ? c.reason : undefined,
    );
    // Events claimed now with targets: this invocation holds their send leases.
    const toSend: number[] = [];
    claims.forEach((c, i) => {
      if (c.status === "fulfilled" && c.value) toSend.push(i);
    });
    if (toSend.length > 0) {
      const sent = await sendUnderLeases(
        deps,
        toSend.map((i) => (claims[i] as PromiseFulfilledResult<StoredMessage>).value),
      );
      toSend.forEach((i, k) => {
        outcomes[i] = sent[k];
      });
    }
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
  };
}

/**
 * Everything a record needs before its tasks go out. Returns the message when this
 * invocation claimed it with targets to send now; otherwise the record is done.
 */
async function processRecord(deps: Deps, record: SQSRecord): Promise<StoredMessage | undefined> {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    await deadLetter(deps, record, undefined, "invalid_json", "message body is not valid JSON");
    return undefined;
  }
  const cmd = fanoutCommand.safeParse(body);
  if (cmd.success) {
    await completeFanout(deps, cmd.data.org_id, cmd.data.msg_id);
    return undefined;
  }
  let claim: Claim;
  try {
    const sentAt = Number(record.attributes.SentTimestamp);
    claim = await claimEvent(deps, body, {
      sqsMessageId: record.messageId,
      sqsSentAt: Number.isFinite(sentAt) && sentAt > 0 ? new Date(sentAt) : undefined,
    });
  } catch (err) {
    if (err instanceof ServiceError && err.status < 500) {
      await deadLetter(deps, record, body, err.code, err.message, err.details);
      return undefined;
    }
    if (isPermanentStoreError(err)) {
      await deadLetter(
        deps,
        record,
        body,
        "unprocessable_event",
        `the event cannot be stored: ${err.message}`,
      );
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
 * DynamoDB refuses this very item (ValidationException: item too large, a value it cannot
 * hold): every retry would fail the same way, and the queue's redrive would then drop the
 * message into the DLQ without a reason. Throttling and outages have other names and stay
 * transient.
 */
function isPermanentStoreError(err: unknown): err is Error {
  return err instanceof Error && err.name === "ValidationException";
}

async function deadLetter(
  deps: Deps,
  record: SQSRecord,
  body: unknown,
  code: string,
  message: string,
  details?: unknown,
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
  const attr = (v: string) => ({ DataType: "String", StringValue: sqsSafe(v.slice(0, MAX_REASON_CHARS)) });
  const reason: Record<string, MessageAttributeValue> = {
    error_code: attr(code),
    error_message: attr(message),
    source_message_id: attr(record.messageId),
    ...(details !== undefined ? { error_details: attr(JSON.stringify(details)) } : {}),
  };
  await deps.sqs.send(
    new SendMessageCommand({ QueueUrl: deps.config.queues.ingestDlq, ...withReason(record.body, reason) }),
  );
}

/**
 * The DLQ message: the original body, untouched, so it can be fixed and redriven; unless body
 * and reason together exceed SQS's message size. Then the reason wins: the body is cut to fit
 * (on a character boundary) and `body_bytes` gives its full size. Such a body is far beyond
 * any valid event (data is at most 256 KiB), so nothing redrivable is lost, while a send that
 * fails would leave the record to the queue's redrive, which keeps no reason.
 */
function withReason(
  body: string,
  reason: Record<string, MessageAttributeValue>,
): { MessageBody: string; MessageAttributes: Record<string, MessageAttributeValue> } {
  const size = Buffer.byteLength(body, "utf8");
  const full = { MessageBody: body, MessageAttributes: reason };
  if (messageBytes({ id: "", body, attributes: reason }) <= SQS_MAX_MESSAGE_BYTES) return full;
  const attributes = { ...reason, body_bytes: { DataType: "Number", StringValue: String(size) } };
  const room = SQS_MAX_MESSAGE_BYTES - messageBytes({ id: "", body: "", attributes });
  // A cut inside a character decodes to U+FFFD; drop it rather than count its bytes.
  const cut = Buffer.from(body, "utf8")
    .subarray(0, room)
    .toString("utf8")
    .replace(/\ufffd$/u, "");
  return { MessageBody: cut, MessageAttributes: attributes };
}
