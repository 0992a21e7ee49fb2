/**
 * The task queue in memory, on a clock it is given (fast tests and the virtual-time
 * simulation): SQS's semantics for what the core relies on. A sent message is invisible for
 * its delay; a received one for the queue's visibility timeout (core/config/infra.ts) or what
 * the handler sets; a message received `maxReceiveCount` times goes to its dead-letter queue
 * on the next receive (the redrive policy); a message over 1 MiB or a delay over 15 min is
 * refused. `invoke` does what Lambda's event source mapping does with one batch.
 *
 * A FIFO queue (`fifo` in its settings) keeps SQS FIFO's rules: no per-message delay, a
 * deduplication id drops a second send within 5 minutes, and a message group holding an
 * in-flight message returns nothing more until it is deleted or visible again; a receive may
 * return several messages of one group, in order, as AWS does (fauxqs returns one).
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { type Config, queues as settings } from "../config/index.js";
import type { QueueMessage, QueueName, TaskQueue, VisibilityChange } from "../model/index.js";
import { messageBytes } from "./send.js";

export interface StoredQueueMessage {
  messageId: string;
  body: string;
  attributes: QueueMessage["attributes"];
  sentAt: number;
  visibleAt: number;
  receiveCount: number;
  /** The handle of the latest receive; a change or delete with an older one is refused. */
  receiptHandle?: string;
  /** FIFO queues: the message group. */
  groupId?: string;
}

interface Queue {
  url: string;
  visibilityTimeoutSeconds: number;
  maxReceiveCount?: number;
  maxMessageBytes: number;
  dlq?: QueueName;
  messages: Map<string, StoredQueueMessage>;
  peakInFlight: number;
  /** FIFO: deduplication ids sent, and when (ms). */
  dedup?: Map<string, number>;
}

export interface QueueDepth {
  visible: number;
  inFlight: number;
  delayed: number;
}

export interface MemoryTaskQueue extends TaskQueue {
  /** Up to `max` visible messages, as Lambda's event source receives them (oldest first). */
  receive(queue: QueueName, max: number): SQSRecord[];
  /** Receives a batch, invokes `handler`, deletes what it did not report failed; the batch's size. */
  invoke(queue: QueueName, handler: SqsHandler, batchSize?: number): Promise<number>;
  depth(queue: QueueName): QueueDepth;
  /** The earliest time (ms) a hidden message of `queue` becomes visible (the simulation's next event). */
  nextVisibleAt(queue: QueueName): number | undefined;
  messages(queue: QueueName): StoredQueueMessage[];
  peakInFlight(queue: QueueName): number;
}

export type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

const DLQ_OF: Partial<Record<QueueName, QueueName>> = {
  ingest: "ingestDlq",
  delivery: "deliveryDlq",
  deliverySlow: "deliveryDlq",
  // On AWS the ordered queue's safety net is a FIFO DLQ of its own (core/config/infra.ts).
  deliveryOrdered: "deliveryDlq",
};
const SETTINGS: Partial<Record<QueueName, (typeof settings)[keyof typeof settings]>> = settings;
const MAX_DELAY_SECONDS = 900;
const DEDUP_WINDOW_MS = 5 * 60_000;

/** Queues by URL: names whose URLs are equal (no slow lane) share one queue, as on AWS. */
export function memoryTaskQueue(urls: Config["queues"], now: () => Date): MemoryTaskQueue {
  return new MemoryQueues(urls, now);
}

class MemoryQueues implements MemoryTaskQueue {
  private readonly byUrl = new Map<string, Queue>();
  private ids = 0;

  constructor(
    private readonly urls: Config["queues"],
    private readonly now: () => Date,
  ) {}

  private t = () => this.now().getTime();

  private queueOf(name: QueueName): Queue {
    const url = this.urls[name];
    let q = this.byUrl.get(url);
    if (!q) {
      const s = SETTINGS[name];
      q = {
        url,
        visibilityTimeoutSeconds: s?.visibilityTimeoutSeconds ?? 30,
        maxReceiveCount: s?.maxReceiveCount,
        maxMessageBytes: s?.maxMessageBytes ?? 1_048_576,
        dlq: DLQ_OF[name],
        messages: new Map(),
        peakInFlight: 0,
        ...(s && "fifo" in s && s.fifo ? { dedup: new Map() } : {}),
      };
      this.byUrl.set(url, q);
    }
    return q;
  }

  async send(queue: QueueName, messages: QueueMessage[]) {
    const q = this.queueOf(queue);
    const report = { sent: [] as string[], failed: [] as string[] };
    for (const m of messages) {
      const delay = m.delaySeconds ?? 0;
      if (messageBytes(m) > q.maxMessageBytes || delay < 0 || delay > MAX_DELAY_SECONDS || !fifoOk(q, m)) {
        report.failed.push(m.id);
        continue;
      }
      if (q.dedup && m.fifo) {
        const seen = q.dedup.get(m.fifo.dedupId);
        // SQS answers success and drops the duplicate.
        if (seen !== undefined && this.t() - seen < DEDUP_WINDOW_MS) {
          report.sent.push(m.id);
          continue;
        }
        q.dedup.set(m.fifo.dedupId, this.t());
      }
      const messageId = `m-${(++this.ids).toString().padStart(9, "0")}`;
      const at = this.t();
      q.messages.set(messageId, {
        messageId,
        body: m.body,
        attributes: m.attributes,
        sentAt: at,
        visibleAt: at + delay * 1000,
        receiveCount: 0,
        ...(m.fifo ? { groupId: m.fifo.groupId } : {}),
      });
      report.sent.push(m.id);
    }
    return report;
  }

  async changeVisibility(queue: QueueName, changes: VisibilityChange[]) {
    return changes.filter((c) => !change(this.queueOf(queue), c, this.t())).length;
  }

  async delete(queue: QueueName, handles: string[]) {
    const q = this.queueOf(queue);
    let refused = 0;
    for (const h of handles) {
      const m = q.messages.get(h.split("#")[0]!);
      if (m?.receiptHandle === h) q.messages.delete(m.messageId);
      else refused++;
    }
    return refused;
  }

  receive(queue: QueueName, max: number): SQSRecord[] {
    const q = this.queueOf(queue);
    const out: SQSRecord[] = [];
    const locked = lockedGroups(q, this.t());
    for (const m of q.messages.values()) {
      if (out.length >= max) break;
      if (m.groupId !== undefined && locked.has(m.groupId)) continue;
      if (m.visibleAt > this.t()) {
        // A FIFO group's later messages wait behind this one.
        if (m.groupId !== undefined) locked.add(m.groupId);
        continue;
      }
      if (q.maxReceiveCount !== undefined && m.receiveCount >= q.maxReceiveCount && q.dlq) {
        // The redrive policy: moved to the dead-letter queue instead of received again.
        q.messages.delete(m.messageId);
        void this.send(q.dlq, [{ id: m.messageId, body: m.body, attributes: m.attributes }]);
        continue;
      }
      m.receiveCount++;
      m.receiptHandle = `${m.messageId}#${m.receiveCount}`;
      m.visibleAt = this.t() + q.visibilityTimeoutSeconds * 1000;
      out.push(record(m, queue));
    }
    q.peakInFlight = Math.max(q.peakInFlight, this.depth(queue).inFlight);
    return out;
  }

  async invoke(queue: QueueName, handler: SqsHandler, batchSize = 10) {
    const records = this.receive(queue, batchSize);
    if (records.length === 0) return 0;
    const res = await handler({ Records: records });
    const failed = new Set((res?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    const done = records.filter((r) => !failed.has(r.messageId)).map((r) => r.receiptHandle);
    await this.delete(queue, done);
    return records.length;
  }

  depth(queue: QueueName): QueueDepth {
    const d: QueueDepth = { visible: 0, inFlight: 0, delayed: 0 };
    for (const m of this.queueOf(queue).messages.values()) {
      if (m.visibleAt <= this.t()) d.visible++;
      else if (m.receiveCount > 0) d.inFlight++;
      else d.delayed++;
    }
    return d;
  }

  nextVisibleAt(queue: QueueName): number | undefined {
    let next: number | undefined;
    for (const m of this.queueOf(queue).messages.values()) {
      if (m.visibleAt > this.t() && (next === undefined || m.visibleAt < next)) next = m.visibleAt;
    }
    return next;
  }

  messages(queue: QueueName): StoredQueueMessage[] {
    return [...this.queueOf(queue).messages.values()];
  }

  peakInFlight(queue: QueueName): number {
    return this.queueOf(queue).peakInFlight;
  }
}

/** FIFO: a group id and no delay (a standard queue takes a group too: fair queues). */
function fifoOk(q: Queue, m: QueueMessage): boolean {
  return !q.dedup || (m.fifo !== undefined && !m.delaySeconds);
}

/** FIFO groups with a message in flight: nothing more of them is returned. */
function lockedGroups(q: Queue, now: number): Set<string> {
  const locked = new Set<string>();
  for (const m of q.messages.values()) {
    if (m.groupId !== undefined && m.receiveCount > 0 && m.visibleAt > now) locked.add(m.groupId);
  }
  return locked;
}

function change(q: Queue, c: VisibilityChange, now: number): boolean {
  const m = q.messages.get(c.receiptHandle.split("#")[0]!);
  // SQS refuses a stale handle and a message no longer in flight.
  if (!m || m.receiptHandle !== c.receiptHandle || m.visibleAt <= now) return false;
  if (c.seconds < 0 || c.seconds > 43_200) return false;
  m.visibleAt = now + c.seconds * 1000;
  return true;
}

function record(m: StoredQueueMessage, queue: QueueName): SQSRecord {
  const messageAttributes: SQSRecord["messageAttributes"] = {};
  for (const [name, a] of Object.entries(m.attributes ?? {})) {
    messageAttributes[name] = {
      dataType: a.DataType ?? "String",
      stringValue: a.StringValue,
      stringListValues: [],
      binaryListValues: [],
    };
  }
  return {
    messageId: m.messageId,
    receiptHandle: m.receiptHandle!,
    body: m.body,
    attributes: {
      ApproximateReceiveCount: String(m.receiveCount),
      SentTimestamp: String(m.sentAt),
      SenderId: "memory",
      ApproximateFirstReceiveTimestamp: String(m.sentAt),
      ...(m.groupId !== undefined ? { MessageGroupId: m.groupId } : {}),
    },
    messageAttributes,
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: `arn:aws:sqs:memory:000000000000:${queue}`,
    awsRegion: "memory",
  };
}
