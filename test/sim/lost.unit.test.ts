/**
 * sim/lost.ts on a table built by hand: a delivery accepted (a target of a stored event) is
 * lost only when no 2xx answered it, no final state ended it and nothing holds it at the end;
 * and the aim on scheduled runs Lambda dropped (sim/report.ts).
 */
import { describe, expect, it } from "vitest";
import { messageIdFromSqs } from "../../core/events/message-id.js";
import { MemoryTable } from "../../core/store/memory-table.js";
import { lostDeliveries } from "../../sim/lost.js";
import { aimsOf } from "../../sim/report.js";
import type { RunFigures } from "../../sim/run.js";

const message = (id: string, targets: string[]) => ({ pk: "MSG#org#0", sk: id, org_id: "org", id, targets });
const state = (msg: string, ep: string, ulid: string, status: string, gsi2pk?: string) => ({
  pk: `LOG#org#${ep}#0`,
  sk: `${msg}#${ulid}`,
  org_id: "org",
  msg_id: msg,
  endpoint_id: ep,
  status,
  ...(gsi2pk ? { gsi2pk } : {}),
});
const task = (msg: string, ep: string) =>
  JSON.stringify({ v: 1, org_id: "org", msg_id: msg, endpoint_id: ep });

function lost(
  items: Record<string, unknown>[],
  delivered: string[],
  bodies: string[] = [],
  ingestIds: string[] = [],
) {
  const t = new MemoryTable();
  for (const item of items) t.put(item);
  return lostDeliveries(t, new Set(delivered), { bodies, ingestIds }, () => 10);
}

describe("lostDeliveries", () => {
  it("counts a delivery with no 2xx, no final state and nothing holding it, k each", () => {
    expect(lost([message("m1", ["a", "b"])], ["m1|a"])).toBe(10);
    expect(lost([message("m1", ["a"]), state("m1", "a", "01A", "pending")], [])).toBe(10);
    // A later state decides: retrying out of the waiting index and on no queue.
    expect(
      lost(
        [
          message("m1", ["a"]),
          state("m1", "a", "01A", "retrying", "WAIT#org#a#0"),
          state("m1", "a", "01B", "pending"),
        ],
        [],
      ),
    ).toBe(10);
  });

  it("is 0 when every delivery was answered 2xx or ended by its policy", () => {
    expect(lost([message("m1", ["a", "b"])], ["m1|a", "m1|b"])).toBe(0);
    for (const status of ["succeeded", "failed", "abandoned", "expired", "erased"])
      expect(lost([message("m1", ["a"]), state("m1", "a", "01A", status)], [])).toBe(0);
  });

  it("is 0 for what is still held: parked or waiting in the table, a task on a queue or a schedule, its event on the ingest queue", () => {
    expect(lost([message("m1", ["a"]), state("m1", "a", "01A", "skipped", "PARK#org#a#0")], [])).toBe(0);
    expect(lost([message("m1", ["a"]), state("m1", "a", "01A", "retrying", "WAIT#org#a#0")], [])).toBe(0);
    expect(lost([message("m1", ["a"]), state("m1", "a", "01A", "retrying")], [], [task("m1", "a")])).toBe(0);
    expect(lost([message("m1", ["a"])], [], [task("m1", "b")])).toBe(10);
    // A fan-out command names the message: all its targets.
    expect(
      lost(
        [message("m1", ["a", "b"])],
        [],
        [JSON.stringify({ hookrelay: "fanout", org_id: "org", msg_id: "m1" })],
      ),
    ).toBe(0);
    const id = messageIdFromSqs("m0000002a", new Date(86_400_000));
    expect(lost([message(id, ["a"])], [], [], ["m0000002a"])).toBe(0);
    expect(lost([message(id, ["a"])], [], [], ["m0000002b"])).toBe(10);
  });
});

describe("the aim on dropped scheduled runs", () => {
  const figures = (dropped: number, left: number): RunFigures =>
    ({
      lost: 0,
      scheduled_runs_dropped: dropped,
      duplicates: 0,
      throttled_writes_dropped: 0,
      lost_to_retention: 0,
      max_in_flight: { q: 1 },
      healthy: { p50_ms: 100, p95_ms: 200, p99_ms: 300 },
      backlog_left: { parked: left, retrying: 0, pending: 0, unrecorded: 0, total: left },
      counters: {},
    }) as unknown as RunFigures;
  const met = (dropped: number, left: number) =>
    aimsOf("smoke", figures(dropped, left), figures(0, 0)).scheduled_runs_dropped_harmless?.met;

  it("allows dropped runs only while the backlog is seen through", () => {
    expect(met(0, 0)).toBe(true);
    expect(met(5, 0)).toBe(true);
    expect(met(0, 7)).toBe(true);
    expect(met(5, 7)).toBe(false);
  });
});
