/**
 * Moves delivery tasks from the delivery DLQ back to the delivery queue, each with a fresh
 * retry cycle (attempt_base reset to 0). Invalid bodies stay in the DLQ: redriving them
 * would only dead-letter them again. Works against SQS and the local emulator alike
 * (fauxqs has no StartMessageMoveTask); see docs/recovery.md, "Redrive the delivery DLQ".
 * In the client package because `hookrelay dlq redrive` runs it; the server's tests use it too.
 *
 * Every message the run receives but does not move (a dry run, a filter, an invalid body, a
 * refused send) is made visible again before it returns, so a dry run hides nothing and a
 * real run right after it sees every message.
 *
 * A run moves only what was in the DLQ when it started (SQS's SentTimestamp against the run's
 * start): a task that fails again at once is dead-lettered anew during the run, and moving it
 * again would loop until `max` (5 dead letters "moved 15" on `npm start`). It stays for the
 * next run.
 */
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { SendError, sendAll } from "./batch.js";
import { deliveryTask } from "./task.js";
import { changeVisibility } from "./visibility.js";

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
  /**
   * How long received messages stay invisible during the run (default 30 s), so one run reads
   * each message once. Released at the end; only a run that dies keeps them hidden this long.
   */
  holdSeconds?: number;
  /**
   * Move only what SQS received at or before this time (epoch ms; default: the run's start). A
   * redrive task (core/delivery/redrive-task.ts) gives its own start, so its later steps skip
   * what was dead-lettered again meanwhile, as one run does.
   */
  before?: number;
  /** Set on every moved task: the run of a redrive task that moved it (docs/tasks.md). */
  claim?: { task_id: string; run: number };
}

export interface RedriveResult {
  /** Moved (or, in a dry run, would move). */
  moved: number;
  /** Left in the DLQ: invalid tasks, filtered out, or not sent. */
  left: number;
  /** Of those left, how many SQS would not make visible again: they reappear after holdSeconds. */
  hidden: number;
}

export async function redriveDeliveryDlq(sqs: SQSClient, opts: RedriveOptions): Promise<RedriveResult> {
  const max = opts.max ?? Number.POSITIVE_INFINITY;
  const hold = opts.holdSeconds ?? 30;
  const startedAt = opts.before ?? Date.now();
  let moved = 0;
  const kept: Message[] = [];
  // Messages are held for the whole run; `seen` ends it if one comes back anyway (a long run).
  const seen = new Set<string>();
  let hidden = 0;
  try {
    while (moved < max) {
      const res = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: opts.dlqUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          VisibilityTimeout: hold,
          MessageAttributeNames: ["All"],
          MessageSystemAttributeNames: ["SentTimestamp"],
        }),
      );
      const messages = (res.Messages ?? []).filter((m) => !seen.has(m.MessageId!));
      if (messages.length === 0) break;
      for (const m of messages) seen.add(m.MessageId!);
      const movable: { message: Message; body: string }[] = [];
      for (const m of messages) {
        const body = sentBefore(m, startedAt) ? movableBody(m, opts) : undefined;
        if (body && !opts.dryRun && movable.length + moved < max) movable.push({ message: m, body });
        else {
          if (body && opts.dryRun && moved < max) moved++;
          kept.push(m);
        }
      }
      const done = await move(sqs, opts, movable);
      moved += done.length;
      kept.push(...movable.filter((x) => !done.includes(x)).map((x) => x.message));
    }
  } finally {
    hidden = await release(sqs, opts.dlqUrl, kept);
  }
  return { moved, left: kept.length, hidden };
}

/** Sends to the delivery queue, then deletes from the DLQ what was sent. */
async function move(
  sqs: SQSClient,
  opts: RedriveOptions,
  movable: { message: Message; body: string }[],
): Promise<{ message: Message; body: string }[]> {
  if (movable.length === 0) return [];
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
  return done;
}

/** Makes the messages a run kept visible again; returns how many SQS refused. */
function release(sqs: SQSClient, dlqUrl: string, kept: Message[]): Promise<number> {
  return changeVisibility(
    sqs,
    dlqUrl,
    kept.map((m) => ({ receiptHandle: m.ReceiptHandle!, seconds: 0 })),
  );
}

/** Whether SQS received the message before the run started (a message without the attribute counts). */
function sentBefore(m: Message, startedAt: number): boolean {
  const sent = Number(m.Attributes?.SentTimestamp);
  return !Number.isFinite(sent) || sent <= startedAt;
}

/** The task body to re-send (fresh retry cycle), or undefined to leave the message where it is. */
function movableBody(m: Message, opts: RedriveOptions): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(m.Body ?? "");
  } catch {
    return undefined;
  }
  const parsed = deliveryTask.safeParse(json);
  if (!parsed.success) return undefined;
  // A redrive is a new send of its own: not a copy of the recover that once enqueued it.
  const { pending_entry: _recovered, ...task } = parsed.data;
  if (opts.orgId && task.org_id !== opts.orgId) return undefined;
  if (opts.endpointId && task.endpoint_id !== opts.endpointId) return undefined;
  return JSON.stringify({ ...task, attempt_base: 0, ...(opts.claim ? { claim: opts.claim } : {}) });
}
