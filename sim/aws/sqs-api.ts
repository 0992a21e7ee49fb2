/**
 * The SQS API as the production queue module calls it (the SQS client's `send(command)`), on
 * the queue models: standard (sqs.ts) and FIFO (sqs-fifo.ts). Latency 5-15 ms per call; every
 * request bills per 64 KB chunk of its payload ("SQS pricing").
 */
import type { Engine } from "../engine.js";
import type { Meter } from "./meter.js";
import { type ModelQueue, SimQueue, SQS_MAX_MESSAGE_BYTES } from "./sqs.js";
import { FifoQueue } from "./sqs-fifo.js";

type Input = Record<string, unknown>;
/** The FIFO throughput quota's API action of each command (sqs-fifo.ts). */
const ACTIONS: Record<string, "send" | "delete" | "changeVisibility"> = {
  SendMessageCommand: "send",
  SendMessageBatchCommand: "send",
  DeleteMessageCommand: "delete",
  DeleteMessageBatchCommand: "delete",
  ChangeMessageVisibilityBatchCommand: "changeVisibility",
};
type Entry = {
  Id: string;
  MessageBody?: string;
  DelaySeconds?: number;
  ReceiptHandle?: string;
  VisibilityTimeout?: number;
  MessageAttributes?: Record<string, unknown>;
  MessageGroupId?: string;
  MessageDeduplicationId?: string;
};

export class SqsModel {
  readonly queues = new Map<string, ModelQueue>();
  private seq = 0;
  /** AWS's latency per call; off for the calibration's local machine (sim/calibration/local-machine.ts). */
  latency = true;

  constructor(
    private engine: Engine,
    private meter: Meter,
    /** The cohort size of a message body (its organization's). */
    private weightOf: (body: string) => number,
  ) {}

  queue(url: string, settings: SimQueue["settings"]): SimQueue {
    const q = new SimQueue(url, settings, this.engine, this.meter);
    this.queues.set(url, q);
    return q;
  }

  /** A FIFO queue (sqs-fifo.ts), in high-throughput mode or not. */
  fifoQueue(url: string, settings: FifoQueue["settings"]): FifoQueue {
    const q = new FifoQueue(url, settings, this.engine, this.meter);
    this.queues.set(url, q);
    return q;
  }

  private q(url: unknown): ModelQueue {
    const q = this.queues.get(String(url));
    if (!q) throw new Error(`no simulated queue ${String(url)}`);
    return q;
  }

  /** The SQS client's `send`, as the production queue module calls it. */
  readonly client = {
    send: (command: { input: unknown; constructor: { name: string } }) => this.send(command),
  };

  private bill(bytes: number, k: number): void {
    this.meter.count("sqs_requests", Math.max(1, Math.ceil(bytes / 65_536)) * k);
  }

  enqueue(
    url: string,
    body: string,
    delaySeconds = 0,
    attributes?: Record<string, unknown>,
    fifo?: { groupId?: string; dedupId?: string },
  ): boolean {
    if (Buffer.byteLength(body) > SQS_MAX_MESSAGE_BYTES) return false;
    const k = this.weightOf(body);
    this.bill(body.length, k);
    const id = `m${(this.seq++).toString(36).padStart(8, "0")}`;
    const m = { id, body, k, sentAt: this.engine.t, attributes, ...fifo };
    return this.q(url).put(m, Math.min(900, delaySeconds) * 1000);
  }

  async send(command: { input: unknown; constructor: { name: string } }): Promise<unknown> {
    const input = command.input as Input;
    const ms = 5 + this.engine.random() * 10;
    await this.engine.sleep(this.latency ? ms : 0);
    const name = command.constructor.name;
    const q = this.queues.get(String(input.QueueUrl));
    if (q instanceof FifoQueue && !q.admit(ACTIONS[name] ?? "send")) {
      // The SDK's own retries of a throttled call are not modelled: the caller sees the error.
      throw Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException", $retryable: {} });
    }
    // A SendMessage's input has a batch entry's fields: both keep the group, attributes and delay.
    const put = (e: Entry) =>
      this.enqueue(String(input.QueueUrl), String(e.MessageBody), e.DelaySeconds ?? 0, e.MessageAttributes, {
        groupId: e.MessageGroupId,
        dedupId: e.MessageDeduplicationId,
      });
    switch (name) {
      case "SendMessageCommand":
        if (!put(input as Entry)) {
          throw Object.assign(new Error("message too long"), { name: "InvalidParameterValue" });
        }
        return { MessageId: `sim-${this.seq}` };
      case "SendMessageBatchCommand":
        return this.each(input, put);
      case "ChangeMessageVisibilityBatchCommand":
        return this.each(input, (e) =>
          this.q(input.QueueUrl).changeVisibility(e.ReceiptHandle!, e.VisibilityTimeout!),
        );
      case "DeleteMessageBatchCommand":
        return this.each(input, (e) => this.q(input.QueueUrl).delete(e.ReceiptHandle!));
      case "DeleteMessageCommand":
        this.q(input.QueueUrl).delete(String(input.ReceiptHandle));
        return {};
      default:
        throw new Error(`the SQS model has no ${command.constructor.name}`);
    }
  }

  private each(input: Input, fn: (e: Entry) => boolean) {
    const Successful: { Id: string }[] = [];
    const Failed: { Id: string; Code: string; SenderFault: boolean }[] = [];
    for (const e of input.Entries as Entry[]) {
      if (fn(e)) Successful.push({ Id: e.Id });
      else Failed.push({ Id: e.Id, Code: "Refused", SenderFault: true });
    }
    return { Successful, Failed };
  }
}
