/**
 * Sends delivery tasks to the delivery DLQ with why they are there, as message attributes
 * (the body stays the task itself, so a redrive puts it straight back on the queue).
 */
import type { MessageAttributeValue } from "@aws-sdk/client-sqs";
import type { Deps } from "../deps.js";
import { type OutgoingMessage, SendError, sendAll } from "./send.js";

export interface DeadLetter {
  /** Unique within the call (the SQS message id of the record). */
  id: string;
  body: string;
  reason: string;
  attempts?: number;
  orgId?: string;
  endpointId?: string;
}

const str = (v: string): MessageAttributeValue => ({ DataType: "String", StringValue: v.slice(0, 1024) });

/** Returns the ids that could not be dead-lettered (the caller leaves those on the queue). */
export async function deadLetter(deps: Deps, letters: DeadLetter[]): Promise<string[]> {
  if (letters.length === 0) return [];
  const messages: OutgoingMessage[] = letters.map((l) => ({
    id: l.id,
    body: l.body,
    attributes: {
      failure_reason: str(l.reason),
      failed_at: str(deps.now().toISOString()),
      ...(l.attempts !== undefined
        ? { attempts: { DataType: "Number", StringValue: String(l.attempts) } }
        : {}),
      ...(l.orgId ? { org_id: str(l.orgId) } : {}),
      ...(l.endpointId ? { endpoint_id: str(l.endpointId) } : {}),
    },
  }));
  try {
    await sendAll(deps.sqs, deps.config.queues.deliveryDlq, messages);
    return [];
  } catch (err) {
    if (err instanceof SendError) return err.failedIds;
    return letters.map((l) => l.id);
  }
}
