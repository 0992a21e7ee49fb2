/**
 * Moves delivery tasks from the delivery DLQ back to the delivery queue, each with a fresh
 * retry cycle (attempt_base reset to 0). Invalid bodies stay in the DLQ: redriving them
 * would only dead-letter them again. Works against SQS and the local emulator alike
 * (fauxqs has no StartMessageMoveTask); see the README, "Redrive the delivery DLQ".
 */
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { queuedTask } from "../model/task.js";
import { SendError, sendAll } from "./send.js";

export interface RedriveOptions {
  dlqUrl: string;
  queueUrl: string;
  /** Stop after moving this many (default: everything). */
  max?: number;
  /** Only count what would move. */
  dryRun?: boolean;
  /** Only tasks of this organization / endpoint. */
  orgId?: string;
  endpointId?: string;
  /** How long messages received but not moved stay invisible (default 120 s). */
  holdSeconds?: number;
}

export interface RedriveResult {
  moved: number;
  /** Left in the DLQ: invalid tasks, or filtered out. */
  left: number;
}

export async function redriveDeliveryDlq(sqs: SQSClient, opts: RedriveOptions): Promise<RedriveResult> {
  const max = opts.max ?? Number.POSITIVE_INFINITY;
  let moved = 0;
  let left = 0;
  // Messages left alone stay invisible for a while; `seen` ends the run if they come back.
  const hold = opts.holdSeconds ?? 120;
  const seen = new Set<string>();
  while (moved < max) {
    const res = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: opts.dlqUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: hold,
        MessageAttributeNames: ["All"],
      }),
    );
    const messages = (res.Messages ?? []).filter((m) => !seen.has(m.MessageId!));
    if (messages.length === 0) break;
    for (const m of messages) seen.add(m.MessageId!);
    const movable: { message: Message; body: string }[] = [];
    for (const m of messages) {
      const body = movableBody(m, opts);
      if (body && movable.length + moved < max) movable.push({ message: m, body });
      else left++;
    }
    if (opts.dryRun || movable.length === 0) {
      moved += opts.dryRun ? movable.length : 0;
      continue;
    }
    let sentIds: string[];
    try {
      sentIds = await sendAll(
        sqs,
        opts.queueUrl,
        movable.map((x) => ({ id: x.message.MessageId!, body: x.body })),
      );
    } catch (err) {
      if (!(err instanceof SendError)) throw err;
      sentIds = err.sentIds;
    }
    const sent = new Set(sentIds);
    const done = movable.filter((x) => sent.has(x.message.MessageId!));
    if (done.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: opts.dlqUrl,
          Entries: done.map((x, i) => ({ Id: String(i), ReceiptHandle: x.message.ReceiptHandle! })),
        }),
      );
    }
    moved += done.length;
    left += movable.length - done.length;
  }
  return { moved, left };
}

/** The task body to re-send (fresh retry cycle), or undefined to leave the message where it is. */
function movableBody(m: Message, opts: RedriveOptions): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(m.Body ?? "");
  } catch {
    return undefined;
  }
  const parsed = queuedTask.safeParse(json);
  if (!parsed.success) return undefined;
  const task = parsed.data;
  if (opts.orgId && task.org_id !== opts.orgId) return undefined;
  if (opts.endpointId && task.endpoint_id !== opts.endpointId) return undefined;
  return JSON.stringify({ ...task, attempt_base: 0 });
}
