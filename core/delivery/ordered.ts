/**
 * The ordered lane's batch (docs/delivery.md, "Ordered delivery"): the records of one FIFO
 * message group are taken one after another, in the queue's order, and the first that does not
 * finish (a retry held on its message, an unexpected error) holds the rest of its group: they are
 * not processed, and go back to the queue at once (visibility 0), where the group stays locked
 * while its head is in flight, so they come back after it, in order. AWS may hand one batch
 * several messages of a group; fauxqs hands one. Different groups run concurrently. A record is
 * started only while `mayStart()` says one more attempt fits the function's time limit
 * (ORDERED_START_BUDGET_MS, core/config/ordered.ts); the rest go back the same way.
 */
import type { SQSRecord } from "aws-lambda";
import type { Processed } from "./execute.js";
import { queueEffect } from "./policy/effects.js";

export async function processInOrder(
  records: SQSRecord[],
  process: (record: SQSRecord) => Promise<Processed>,
  mayStart: () => boolean,
): Promise<Processed[]> {
  const groups = new Map<string, SQSRecord[]>();
  for (const r of records) {
    const group = r.attributes.MessageGroupId ?? r.messageId;
    groups.set(group, [...(groups.get(group) ?? []), r]);
  }
  const done = new Map<string, Processed>();
  await Promise.all(
    [...groups.values()].map(async (list) => {
      let held = false;
      for (const [i, record] of list.entries()) {
        // A group's first record always runs: the batch itself is within the budget.
        if (held || (i > 0 && !mayStart())) {
          done.set(record.messageId, { record, behind: true });
          continue;
        }
        const p = await process(record);
        done.set(record.messageId, p);
        held = !finished(p);
      }
    }),
  );
  return records.map((r) => done.get(r.messageId)!);
}

/** Whether the group may go on past this record: it left the queue (delivered, given up, dead-lettered). */
function finished(p: Processed): boolean {
  if (p.fail) return false;
  if (p.invalid !== undefined || p.log) return true;
  const kind = queueEffect(p.effects)?.kind;
  return kind === "ack" || kind === "dead_letter";
}
