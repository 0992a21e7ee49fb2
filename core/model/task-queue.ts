/**
 * The task queue port: what the core needs of a queue service (SQS on AWS, fauxqs locally,
 * memory in fast tests and the simulation; adapters side by side in core/queue). Queues are
 * named by role, not by URL: the adapter maps a name to its queue (a deployment without a slow
 * lane maps `deliverySlow` to the delivery queue, core/config/runtime.ts).
 */
export type QueueName =
  | "ingest"
  | "ingestDlq"
  | "delivery"
  | "deliverySlow"
  | "deliveryDlq"
  /** The FIFO queue of ordered endpoints (docs/delivery.md, "Ordered delivery"). */
  | "deliveryOrdered";

/** An SQS message attribute (string or number). */
export interface QueueAttribute {
  DataType: string | undefined;
  StringValue?: string;
}

export interface QueueMessage {
  /** Unique within the call; reported back in `sent` or `failed`. */
  id: string;
  body: string;
  attributes?: Record<string, QueueAttribute>;
  /** Send later: the message stays invisible this long (0-900 s; never on a FIFO queue). */
  delaySeconds?: number;
  /** FIFO queues: the message group (delivered in order, one at a time) and the deduplication id. */
  fifo?: { groupId: string; dedupId: string };
  /**
   * Standard queues: the message's tenant for SQS fair queues, sent as its `MessageGroupId`
   * (no order, no lock; docs/delivery.md, "Isolation"). A FIFO message's group wins.
   */
  tenant?: string;
}

export interface QueueSendReport {
  sent: string[];
  failed: string[];
  /** The first error a whole call threw (its messages are in `failed`). */
  error?: unknown;
}

export interface VisibilityChange {
  receiptHandle: string;
  /** Whole seconds, 0 to 43200. */
  seconds: number;
}

export interface TaskQueue {
  /** Sends every message (batched, retried) and never throws: the report says which are on the queue. */
  send(queue: QueueName, messages: QueueMessage[], opts?: { parallel?: number }): Promise<QueueSendReport>;
  /** Hides received messages for a while (a retry's wait); returns how many changes were refused. */
  changeVisibility(queue: QueueName, changes: VisibilityChange[]): Promise<number>;
  /** Deletes received messages; returns how many deletes were refused. */
  delete(queue: QueueName, receiptHandles: string[]): Promise<number>;
}
