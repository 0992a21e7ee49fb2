/**
 * Reading the test stack's queues, three ways:
 * - `receiveAll`: every message on a queue nobody else consumes (left invisible);
 * - `receiveWhere`: waits for the messages that match, leaving the others to reappear;
 * - `QueueCollector`: receives and deletes everything into per-key buckets, so tests sharing
 *   a file's queues only look at their own organization's messages.
 * Plus the queue's counts, and waiting for it to drain.
 */
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { Deps } from "../../core/all-deps.js";
import { type DeliveryTask, deliveryTask } from "../../core/model/task.js";
import { queueCounts } from "../../local/queues.js";
import type { TestStack } from "./stack.js";
import { waitFor } from "./wait.js";

export { queueCounts, receiveAll } from "../../local/queues.js";

/**
 * Receives until `count` messages match (each returned once); the others are left invisible
 * for `visibilitySeconds` only (the queue's own timeout when not given), so they reappear.
 */
export async function receiveWhere(
  sqs: SQSClient,
  url: string,
  match: (m: Message) => boolean,
  {
    count = 1,
    visibilitySeconds,
    what = `${count} matching message(s) on ${url}`,
    timeoutMs = 30_000,
  }: {
    count?: number;
    visibilitySeconds?: number;
    what?: string;
    timeoutMs?: number;
  } = {},
): Promise<Message[]> {
  const got = new Map<string, Message>();
  await waitFor(
    async () => {
      const res = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          VisibilityTimeout: visibilitySeconds,
          MessageSystemAttributeNames: ["All"],
          MessageAttributeNames: ["All"],
        }),
      );
      for (const m of res.Messages ?? []) if (match(m)) got.set(m.MessageId!, m);
      return got.size >= count;
    },
    { what, intervalMs: 0, timeoutMs },
  );
  return [...got.values()];
}

/** Receives the given SQS message ids (other messages are left alone to reappear). */
export const receiveIds = (sqs: SQSClient, url: string, ids: Set<string>) =>
  receiveWhere(sqs, url, (m) => ids.has(m.MessageId!), {
    count: ids.size,
    what: `messages ${[...ids]} on ${url}`,
  });

/** The delivery DLQ's message for a task (others are left invisible for a second only). */
export async function dlqMessageFor(deps: Deps, t: DeliveryTask): Promise<Message> {
  const [m] = await receiveWhere(
    deps.sqs,
    deps.config.queues.deliveryDlq,
    (m) => (m.Body ?? "").includes(t.msg_id),
    {
      visibilitySeconds: 1,
      what: `DLQ message for ${t.msg_id}`,
    },
  );
  return m!;
}

/** Waits until a queue holds nothing at all (no visible, in-flight or delayed message). */
export function waitForEmptyQueue(sqs: SQSClient, url: string, timeoutMs = 60_000) {
  return waitFor(
    async () => {
      const c = await queueCounts(sqs, url);
      return c.visible + c.inFlight + c.delayed === 0;
    },
    { what: `queue ${url} to drain`, timeoutMs, intervalMs: 200 },
  );
}

/** Shortens a queue's visibility timeout: a crashed invocation's records come back quickly. */
export async function setVisibilityTimeout(sqs: SQSClient, url: string, seconds: number) {
  await sqs.send(
    new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: String(seconds) } }),
  );
}

/**
 * Receives (and deletes) everything on a queue into per-key buckets, so tests sharing a
 * file's queues only look at their own organization's messages.
 */
export class QueueCollector<T> {
  private readonly buckets = new Map<string, T[]>();

  constructor(
    private readonly sqs: SQSClient,
    private readonly url: string,
    private readonly parse: (m: Message) => { key: string; value: T },
  ) {}

  async poll(waitSeconds = 0): Promise<void> {
    const res = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: waitSeconds,
        MessageAttributeNames: ["All"],
      }),
    );
    const messages = res.Messages ?? [];
    if (messages.length === 0) return;
    for (const m of messages) {
      const { key, value } = this.parse(m);
      const list = this.buckets.get(key) ?? [];
      list.push(value);
      this.buckets.set(key, list);
    }
    await this.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: this.url,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }

  /** Waits until `key` has at least `n` messages, then checks nothing more is on the way. */
  async expect(key: string, n: number): Promise<T[]> {
    await waitFor(
      async () => {
        if ((this.buckets.get(key)?.length ?? 0) >= n) return true;
        await this.poll(1);
        return false;
      },
      { what: `${n} message(s) for ${key}`, intervalMs: 0 },
    );
    // Everything was sent before we were called: one more empty receive settles "no extras".
    await this.poll(0);
    return this.buckets.get(key) ?? [];
  }

  /** What arrived for `key` so far, after draining the queue. */
  async settled(key: string): Promise<T[]> {
    await this.poll(0);
    await this.poll(0);
    return this.buckets.get(key) ?? [];
  }
}

export function taskCollector(stack: TestStack): QueueCollector<DeliveryTask> {
  return new QueueCollector(stack.deps.sqs, stack.config.queues.delivery, (m) => {
    const json = JSON.parse(m.Body ?? "") as { org_id?: string; log?: unknown };
    // A delivery-log entry kept on the queue (core/delivery/log-writes.ts) is no task.
    if (json.log !== undefined) return { key: `kept-log:${json.org_id}`, value: json as DeliveryTask };
    const task = deliveryTask.parse(json);
    return { key: task.org_id, value: task };
  });
}

export interface DeadLetter {
  body: string;
  code: string;
  message: string;
  details?: string;
  /** Set when the body was cut so that the reason fits: the original body's size. */
  bodyBytes?: string;
}

/** DLQ messages keyed by the `marker` field tests put in their messages' data (or the raw body). */
export function dlqCollector(stack: TestStack): QueueCollector<DeadLetter> {
  return new QueueCollector(stack.deps.sqs, stack.config.queues.ingestDlq, (m) => {
    const body = m.Body ?? "";
    const a = m.MessageAttributes ?? {};
    let key = body;
    try {
      const parsed = JSON.parse(body) as { org_id?: string };
      if (typeof parsed.org_id === "string") key = parsed.org_id;
    } catch {
      // Not JSON (malformed, or cut to fit the DLQ with its reason): keyed by an org_id it
      // still shows, else by its raw body.
      const org = /^\{"org_id":"([^"]+)"/.exec(body)?.[1];
      if (org) key = org;
    }
    return {
      key,
      value: {
        body,
        code: a.error_code?.StringValue ?? "",
        message: a.error_message?.StringValue ?? "",
        details: a.error_details?.StringValue,
        bodyBytes: a.body_bytes?.StringValue,
      },
    };
  });
}
