/**
 * What is left of the faulty tenants' deliveries when a run ends (issue #25 item 5,
 * `dead-endpoint-3d`: "after recovery its backlog is delivered or dead-lettered by its
 * policy"). Read off the model's table as the production code left it: a delivery's state is
 * its latest delivery-log item (core/store/deliveries.ts), and a delivery whose latest state
 * is not final is still owed to the endpoint, parked, waiting for a retry or on a queue.
 */
import type { MemoryTable } from "../core/store/memory-table.js";

/** Real deliveries of the faulty tenants not seen through when the run ended, by their state. */
export interface BacklogLeft {
  /** Parked in the table (`skipped`), waiting for a resume. */
  parked: number;
  /** Between two attempts (`retrying`): on a queue or in the waiting index. */
  retrying: number;
  /** Enqueued and not attempted yet (`pending`): on a queue, or in flight. */
  pending: number;
  /** A target of a stored event with no delivery state at all (its fan-out not done). */
  unrecorded: number;
  /** The sum: 0 when every delivery ended delivered, dead-lettered, expired or erased. */
  total: number;
}

/** The statuses a delivery ends in (core/model/delivery.ts): nothing more is owed for it. */
export const FINAL = new Set(["succeeded", "failed", "abandoned", "expired", "erased"]);

export function backlogLeft(table: MemoryTable, orgs: Set<string>, k: (org: string) => number): BacklogLeft {
  const out: BacklogLeft = { parked: 0, retrying: 0, pending: 0, unrecorded: 0, total: 0 };
  const owed = new Map<string, { org: string }>();
  const latest = new Map<string, { sk: string; status: string }>();
  for (const item of table.all()) {
    const pk = String(item.pk);
    const org = String(item.org_id ?? "");
    if (!orgs.has(org)) continue;
    if (pk.startsWith("MSG#") && Array.isArray(item.targets)) {
      for (const ep of item.targets as string[]) owed.set(`${org}|${String(item.sk)}|${ep}`, { org });
    } else if (pk.startsWith("LOG#") && typeof item.status === "string") {
      const key = `${org}|${String(item.msg_id)}|${String(item.endpoint_id)}`;
      const sk = String(item.sk);
      const seen = latest.get(key);
      if (!seen || seen.sk < sk) latest.set(key, { sk, status: item.status });
    }
  }
  for (const [key, { org }] of owed) {
    const status = latest.get(key)?.status;
    if (status !== undefined && FINAL.has(status)) continue;
    const w = k(org);
    if (status === "skipped") out.parked += w;
    else if (status === "retrying") out.retrying += w;
    else if (status === "pending") out.pending += w;
    else out.unrecorded += w;
    out.total += w;
  }
  return out;
}
