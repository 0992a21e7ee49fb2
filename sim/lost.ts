/**
 * The deliveries a run lost (issue #25 item 5, "0 lost"), counted when the run ends.
 *
 * A delivery is an event × endpoint the service accepted: a target of an event the ingest
 * stored (its `MSG#` item's `targets`, the production fan-out's decision). It is lost when it
 * was never answered 2xx (the receivers' keys, `webhook-id|endpoint`, as duplicates count them),
 * did not end by its policy (its latest delivery-log state final: delivered, dead-lettered,
 * abandoned, expired or erased) and nothing would still deliver it: no message for it on any
 * queue (visible, delayed or in flight, the dead-letter queues included: a dead letter is the
 * policy's end, kept for a redrive), no pending schedule that will send its task, not parked
 * or waiting in the table (its latest item in the `PARK#` or `WAIT#` index, which the
 * endpoint's runs read), and its event not still on the ingest queue (a retried fan-out sends
 * what is missing). A scheduled run Lambda dropped is not a loss by itself: what it would have
 * resumed is still parked or waiting, and the backlog aim (sim/backlog.ts) sees it if no later
 * run came. Each delivery weighs its organization's cohort size k.
 */
import { messageIdFromSqs } from "../core/events/message-id.js";
import type { MemoryTable } from "../core/store/memory-table.js";
import { FINAL } from "./backlog.js";
import { QUEUE, type World } from "./world.js";

/** What still holds deliveries when the run ends, besides the table. */
export interface Holders {
  /** Bodies of the messages on every queue and of the schedules that will send one to a queue. */
  bodies: Iterable<string>;
  /** SQS message ids of the events on the ingest queue and its DLQ. */
  ingestIds: Iterable<string>;
}

/** What the world's queues and scheduler hold when the run ends. */
export function holdersOf(world: World): Holders {
  const queues = [...world.sqs.queues.values()];
  const ingest = [QUEUE.ingest, QUEUE.ingestDlq].map((url) => world.sqs.queues.get(url)!);
  return {
    bodies: [...queues.flatMap((q) => [...q.messages()].map((m) => m.body)), ...world.scheduler.queued()],
    ingestIds: ingest.flatMap((q) => [...q.messages()].map((m) => m.id)),
  };
}

/** Indexes whose items a run of the endpoint resumes (core/store/keys.ts `parked`, `waiting`). */
const TABLE_HELD = /^(PARK|WAIT)#/;

/** The part of a derived message id that is the hash of its SQS message id (core/events/message-id.ts). */
const sqsPart = (msgId: string) => msgId.slice(-16);

export function lostDeliveries(
  table: MemoryTable,
  delivered: ReadonlySet<string>,
  holders: Holders,
  k: (org: string) => number,
): number {
  // Accepted and never answered 2xx (most are: they are left out first).
  const owed = new Map<string, string>();
  for (const item of table.all()) {
    if (!String(item.pk).startsWith("MSG#") || !Array.isArray(item.targets)) continue;
    for (const ep of item.targets as string[]) {
      const key = `${String(item.sk)}|${ep}`;
      if (!delivered.has(key)) owed.set(key, String(item.org_id));
    }
  }
  if (owed.size === 0) return 0;
  // Their latest delivery-log item (core/store/deliveries.ts: the greatest sort key).
  const latest = new Map<string, { sk: string; status: string; index: string }>();
  for (const item of table.all()) {
    if (!String(item.pk).startsWith("LOG#") || typeof item.status !== "string") continue;
    const key = `${String(item.msg_id)}|${String(item.endpoint_id)}`;
    const sk = String(item.sk);
    if (!owed.has(key) || (latest.get(key)?.sk ?? "") > sk) continue;
    latest.set(key, { sk, status: item.status, index: String(item.gsi2pk ?? "") });
  }
  const held = new Set<string>();
  for (const body of holders.bodies) {
    const msg = /"msg_id":"([^"]+)"/.exec(body)?.[1];
    const ep = /"endpoint_id":"([^"]+)"/.exec(body)?.[1];
    if (msg) held.add(ep ? `${msg}|${ep}` : msg);
  }
  const ingest = new Set([...holders.ingestIds].map((id) => sqsPart(messageIdFromSqs(id, new Date(0)))));
  let lost = 0;
  for (const [key, org] of owed) {
    const state = latest.get(key);
    if (state && (FINAL.has(state.status) || TABLE_HELD.test(state.index))) continue;
    const msg = key.slice(0, key.indexOf("|"));
    if (held.has(key) || held.has(msg) || ingest.has(sqsPart(msg))) continue;
    lost += k(org);
  }
  return lost;
}
