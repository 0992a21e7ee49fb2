/**
 * The delivery log's writes of one batch, never dropped.
 *
 * An attempt that was made must reach the log: its entry is the delivery's state, which the
 * next receive counts attempts from, and which recovery (`stuck`, `recover`) reads to decide
 * what to send again. A write DynamoDB throttles is retried with backoff (the SDK's retries,
 * then core/store/batch-write.ts); an entry still unwritten is not dropped but put on the
 * lane's queue in a message of its own (the task's ids and the entry, no body), which writes
 * it when received and makes no request; while DynamoDB keeps refusing, that message stays
 * on the queue (back after the queue's visibility timeout, then the DLQ: alarmed, redrivable).
 * Entries are never rewritten and sort by the time their state was decided
 * (core/store/deliveries.ts), so one written late does not hide a newer state.
 */
import type { Uses } from "../deps.js";
import { logger } from "../log/index.js";
import type { DeliveryLogEntry, QueuedTask, QueueName } from "../model/index.js";
import { taskMessage } from "../queue/index.js";
import { pointerOf } from "./pointer.js";

export type LogWrite =
  /** An entry of this batch's decisions. */
  | { entry: DeliveryLogEntry; task: Omit<QueuedTask, "log">; kept?: undefined }
  /** An entry an earlier batch kept on the queue, in the SQS message `kept`: kept again if it fails. */
  | { entry: DeliveryLogEntry; kept: string };

/** Writes every entry; returns the message ids of kept writes that failed again (to keep). */
export async function writeLog(
  deps: Uses<"deliveryStore" | "taskQueue">,
  writes: LogWrite[],
  queue: QueueName,
): Promise<string[]> {
  if (writes.length === 0) return [];
  const left = new Set((await deps.deliveryStore.writeEach(writes.map((w) => w.entry))).map((e) => e.id));
  if (left.size === 0) return [];
  const failed = writes.filter((w) => left.has(w.entry.id));
  const again = failed.flatMap((w) => (w.kept === undefined ? [] : [w.kept]));
  const fresh = failed.flatMap((w) => (w.kept === undefined ? [w] : []));
  if (again.length > 0) logger.warn("kept delivery-log entries still not written", { entries: again.length });
  if (fresh.length === 0) return again;
  const report = await deps.taskQueue.send(
    queue,
    fresh.map((w) => taskMessage(w.entry.id, w.task, JSON.stringify({ ...pointerOf(w.task), log: w.entry }))),
  );
  logger.warn("delivery-log entries not written; kept on the queue", { entries: report.sent.length });
  if (report.failed.length > 0) {
    logger.error("delivery-log entries lost: neither written nor kept on the queue", {
      entries: report.failed.length,
      error: (report.error as Error | undefined)?.message,
    });
  }
  return again;
}

/**
 * The successes of one batch, written before the batch ends when it runs long. A batch's
 * entries are written together once its slowest request ends, and in the slow lane that is
 * the endpoint's own timeout (up to 2 min): a process killed in that wait (a crash, the
 * function's timeout) would lose the only proof of the requests answered 2xx meanwhile, and
 * their tasks, back after the visibility timeout, would POST again. So a success waits at most
 * `afterMs` (the fast lane's budget, within which a fast-lane batch ends anyway): then it is
 * written with the other successes of that wait, in one call, and the returning task reads it
 * and is acknowledged without a request (handler.ts attemptNumber). A batch that ends first
 * writes everything in its one call, as before; a write that fails leaves its entries to it.
 */
export function earlyWrites(deps: Uses<"deliveryStore">, afterMs: number) {
  let waiting: DeliveryLogEntry[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let flushing: Promise<void> = Promise.resolve();
  const written = new Set<string>();
  const flush = () => {
    timer = undefined;
    const now = waiting;
    waiting = [];
    flushing = flushing.then(async () => {
      // writeEach never throws: what it could not write comes back, and is left to the batch.
      const left = new Set((await deps.deliveryStore.writeEach(now)).map((e) => e.id));
      for (const e of now) if (!left.has(e.id)) written.add(e.id);
    });
  };
  return {
    /** A success's entry: written within `afterMs` unless the batch ends first. */
    add(entry: DeliveryLogEntry): void {
      waiting.push(entry);
      timer ??= setTimeout(flush, afterMs);
    },
    /** The batch ended: no more early writes; the ids of the entries already in the log. */
    async close(): Promise<Set<string>> {
      clearTimeout(timer);
      timer = undefined;
      await flushing;
      return written;
    },
  };
}
