/**
 * Watches a real SQS client's calls (faults.ts `interpose`; nothing is mocked): which messages were
 * received, deleted, held by a visibility change or re-sent with a delay. Tests assert the wait
 * the engine set, or wait for "the message is gone", instead of timing requests or sleeping.
 *
 *   const spy = spySqs(h.deps.sqs);
 *   …
 *   expect(spy.waits(task.msg_id)).toEqual([3, 4]);
 *   await waitFor(() => spy.gone(task.msg_id));
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import { interpose } from "./faults.js";

interface Entry {
  Id?: string;
  ReceiptHandle?: string;
  VisibilityTimeout?: number;
  MessageBody?: string;
  DelaySeconds?: number;
  MessageGroupId?: string;
}

interface Call {
  input: { QueueUrl?: string; Entries?: Entry[] } & Entry;
  output?: {
    Messages?: { ReceiptHandle?: string; Body?: string }[];
    Successful?: { Id?: string }[];
  };
}

export interface SqsSpy {
  /**
   * The waits set on the message whose body contains `text`, in order: a visibility change's
   * seconds, or a re-send's DelaySeconds (the engine's two ways to hold a retry).
   */
  waits(text: string): number[];
  /**
   * True once the last copy of a message whose body contains `text` received from `queueUrl`
   * was deleted, and no copy was sent to that queue since: nothing is left to attempt.
   */
  gone(text: string, queueUrl: string): boolean;
  /** The `MessageGroupId` (fair-queue tenant) of each message sent to `queueUrl` whose body contains `text`. */
  groups(text: string, queueUrl: string): (string | undefined)[];
}

export function spySqs(client: SQSClient): SqsSpy {
  const bodies = new Map<string, string>(); // receipt handle -> body
  const received: { queueUrl: string; handle: string; body: string; seq: number }[] = [];
  const sent: { queueUrl: string; body: string; seq: number; group?: string }[] = [];
  let seq = 0;
  const deleted = new Set<string>();
  const waits: { body: string; seconds: number }[] = [];

  const record = (command: string, { input, output }: Call) => {
    const ok = (entries: Entry[]) => {
      const ids = new Set((output?.Successful ?? []).map((s) => s.Id));
      return entries.filter((e) => ids.has(e.Id));
    };
    switch (command) {
      case "ReceiveMessageCommand":
        for (const m of output?.Messages ?? []) {
          bodies.set(m.ReceiptHandle!, m.Body ?? "");
          received.push({
            queueUrl: input.QueueUrl ?? "",
            handle: m.ReceiptHandle!,
            body: m.Body ?? "",
            seq: ++seq,
          });
        }
        break;
      case "DeleteMessageCommand":
        deleted.add(input.ReceiptHandle!);
        break;
      case "DeleteMessageBatchCommand":
        for (const e of ok(input.Entries ?? [])) deleted.add(e.ReceiptHandle!);
        break;
      case "ChangeMessageVisibilityCommand":
        waits.push({ body: bodies.get(input.ReceiptHandle!) ?? "", seconds: input.VisibilityTimeout! });
        break;
      case "ChangeMessageVisibilityBatchCommand":
        for (const e of ok(input.Entries ?? [])) {
          waits.push({ body: bodies.get(e.ReceiptHandle!) ?? "", seconds: e.VisibilityTimeout! });
        }
        break;
      case "SendMessageCommand":
      case "SendMessageBatchCommand": {
        const entries = command === "SendMessageCommand" ? [input] : ok(input.Entries ?? []);
        for (const e of entries) {
          const group = e.MessageGroupId;
          sent.push({ queueUrl: input.QueueUrl ?? "", body: e.MessageBody ?? "", seq: ++seq, group });
          if (e.DelaySeconds) waits.push({ body: e.MessageBody ?? "", seconds: e.DelaySeconds });
        }
        break;
      }
    }
  };

  // Through the suite's one interposer (faults.ts): the call goes out, then is recorded.
  interpose(client, async (call) => {
    const output = await call.send();
    record(call.command, { input: call.input as Call["input"], output: output as Call["output"] });
    return output;
  });

  return {
    waits: (text) => waits.filter((w) => w.body.includes(text)).map((w) => w.seconds),
    gone: (text, queueUrl) => {
      const last = received.filter((r) => r.body.includes(text) && r.queueUrl === queueUrl).at(-1);
      if (!last || !deleted.has(last.handle)) return false;
      return !sent.some((s) => s.seq > last.seq && s.queueUrl === queueUrl && s.body.includes(text));
    },
    groups: (text, queueUrl) =>
      sent.filter((s) => s.queueUrl === queueUrl && s.body.includes(text)).map((s) => s.group),
  };
}
