/**
 * The ingest function's SQS handler: each record is a producer's event or a scheduled
 * fan-out command. Records are processed concurrently and independently:
 *
 * - invalid input (bad JSON, schema, unknown type, too large, deliver_at too far) is a
 *   permanent failure: the original body goes to the ingest DLQ with `error_code` and
 *   `error_message` attributes, a warning is logged (ids and reason, never the payload), and
 *   the record is acknowledged, so it never blocks or repeats the batch;
 * - anything else (DynamoDB/SQS errors) is transient: the record is reported in
 *   `batchItemFailures` and SQS delivers it again after the visibility timeout.
 *
 * Organizations exist implicitly here: producers are trusted platform services, so any
 * `org_id` is accepted (an organization without endpoints simply gets no tasks).
 */
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import type { SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import type { Deps } from "../deps.js";
import { logger } from "../log/logger.js";
import { ServiceError } from "../model/errors.js";
import { completeFanout } from "./fanout.js";
import { fanoutCommand } from "./fanout-command.js";
import { ingestEvent } from "./ingest.js";

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
    const results = await Promise.allSettled(event.Records.map((r) => processRecord(deps, r)));
    const batchItemFailures: SQSBatchItemFailure[] = [];
    results.forEach((res, i) => {
      if (res.status === "fulfilled") return;
      const record = event.Records[i]!;
      const err = res.reason as Error;
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

async function processRecord(deps: Deps, record: SQSRecord): Promise<void> {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    await deadLetter(deps, record, undefined, "invalid_json", "message body is not valid JSON");
    return;
  }
  const cmd = fanoutCommand.safeParse(body);
  if (cmd.success) {
    await completeFanout(deps, cmd.data.org_id, cmd.data.msg_id);
    return;
  }
  try {
    const sentAt = Number(record.attributes.SentTimestamp);
    await ingestEvent(deps, body, {
      sqsMessageId: record.messageId,
      sqsSentAt: Number.isFinite(sentAt) && sentAt > 0 ? new Date(sentAt) : undefined,
    });
  } catch (err) {
    if (err instanceof ServiceError && err.status < 500) {
      await deadLetter(deps, record, body, err.code, err.message, err.details);
      return;
    }
    throw err;
  }
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
  await deps.sqs.send(
    new SendMessageCommand({
      QueueUrl: deps.config.queues.ingestDlq,
      // The original body, untouched, so the message can be fixed and redriven.
      MessageBody: record.body,
      MessageAttributes: {
        error_code: attr(code),
        error_message: attr(message),
        source_message_id: attr(record.messageId),
        ...(details !== undefined ? { error_details: attr(JSON.stringify(details)) } : {}),
      },
    }),
  );
}
