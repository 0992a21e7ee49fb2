/**
 * The one way to dead-letter a message: the body stays exactly what was received (so a
 * redrive puts it straight back on its queue) and why it is there travels as message
 * attributes, cut to a readable length and cleaned to the characters SQS accepts.
 * Used by the ingest function (invalid events) and the delivery engine (exhausted tasks).
 */
import type { MessageAttributeValue } from "@aws-sdk/client-sqs";
import { SQS_MAX_MESSAGE_BYTES } from "../config/index.js";
import type { QueueName, TaskQueue } from "../model/index.js";
import { messageBytes, type OutgoingMessage, SendError, sendAllVia } from "./send.js";

/** What dead-lettering needs: the task queue and the clock. */
export interface DeadLetterDeps {
  taskQueue: Pick<TaskQueue, "send">;
  now: () => Date;
}

/** SQS attribute values are capped at the message size; keep reasons short and readable. */
const MAX_ATTRIBUTE_CHARS = 1024;

/**
 * SQS refuses a whole message whose attributes hold characters outside its set (NUL, lone
 * surrogates, U+FFFE…). Reasons quote the producer's input (`type`, zod messages) and the cut
 * above may split a surrogate pair, so replace such characters rather than fail the
 * dead-lettering, which would retry the record until the queue's redrive drops its reason.
 * (Characters beyond U+FFFF are replaced too: SQS accepts them, the local emulator does not.)
 */
export function sqsSafe(v: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: SQS's own character rule.
  return v.replace(/[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd]/gu, "\ufffd");
}

/** String attributes are cut and cleaned; numbers are sent as Number attributes; undefined is left out. */
function attributesOf(
  values: Record<string, string | number | undefined>,
): Record<string, MessageAttributeValue> {
  const out: Record<string, MessageAttributeValue> = {};
  for (const [name, v] of Object.entries(values)) {
    if (v === undefined) continue;
    out[name] =
      typeof v === "number"
        ? { DataType: "Number", StringValue: String(v) }
        : { DataType: "String", StringValue: sqsSafe(v.slice(0, MAX_ATTRIBUTE_CHARS)) };
  }
  return out;
}

/**
 * The DLQ message: the original body, untouched, so it can be fixed and redriven; unless body
 * and reason together exceed SQS's message size. Then the reason wins: the body is cut to fit
 * (on a character boundary) and `body_bytes` gives its full size. Such a body is far beyond
 * any valid event (data is at most 256 KiB), so nothing redrivable is lost, while a send that
 * fails would leave the record to the queue's redrive, which keeps no reason.
 */
function fitted(m: OutgoingMessage): OutgoingMessage {
  if (messageBytes(m) <= SQS_MAX_MESSAGE_BYTES) return m;
  const size = Buffer.byteLength(m.body, "utf8");
  const attributes = { ...m.attributes, body_bytes: { DataType: "Number", StringValue: String(size) } };
  const room = SQS_MAX_MESSAGE_BYTES - messageBytes({ id: m.id, body: "", attributes });
  // A cut inside a character decodes to U+FFFD; drop it rather than count its bytes.
  const cut = Buffer.from(m.body, "utf8")
    .subarray(0, room)
    .toString("utf8")
    .replace(/\ufffd$/u, "");
  return { id: m.id, body: cut, attributes };
}

export interface Letter {
  /** Unique within the call (the SQS message id of the record). */
  id: string;
  body: string;
  attributes: Record<string, string | number | undefined>;
}

/** Sends letters to a DLQ; returns the ids that could not be sent (the caller leaves those on the queue). */
export async function sendToDlq(
  queue: Pick<TaskQueue, "send">,
  dlq: Extract<QueueName, "ingestDlq" | "deliveryDlq">,
  letters: Letter[],
): Promise<string[]> {
  if (letters.length === 0) return [];
  const messages = letters.map((l) =>
    fitted({ id: l.id, body: l.body, attributes: attributesOf(l.attributes) }),
  );
  try {
    await sendAllVia(queue, dlq, messages);
    return [];
  } catch (err) {
    if (err instanceof SendError) return err.failedIds;
    return letters.map((l) => l.id);
  }
}

/** A delivery task the engine gives up on, and why. */
export interface DeadLetter {
  /** Unique within the call (the SQS message id of the record). */
  id: string;
  body: string;
  reason: string;
  attempts?: number;
  orgId?: string;
  endpointId?: string;
}

/** Sends delivery tasks to the delivery DLQ; returns the ids that could not be dead-lettered. */
export async function deadLetter(deps: DeadLetterDeps, letters: DeadLetter[]): Promise<string[]> {
  const failedAt = deps.now().toISOString();
  return sendToDlq(
    deps.taskQueue,
    "deliveryDlq",
    letters.map((l) => ({
      id: l.id,
      body: l.body,
      attributes: {
        failure_reason: l.reason,
        failed_at: failedAt,
        attempts: l.attempts,
        // Empty strings are left out, as before: SQS refuses an empty attribute value.
        org_id: l.orgId || undefined,
        endpoint_id: l.endpointId || undefined,
      },
    })),
  );
}
