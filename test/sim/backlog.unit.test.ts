/**
 * The dead endpoint's backlog aim (issue #25 item 5): what a run leaves parked, retrying or
 * pending for the faulty tenants is counted off the table (sim/backlog.ts), weighted by the
 * cohort, and a run that leaves any fails `dead_endpoint_backlog_cleared`.
 */
import { describe, expect, it } from "vitest";
import { MemoryTable } from "../../core/store/memory-table.js";
import { backlogLeft } from "../../sim/backlog.js";
import { aimsOf } from "../../sim/report.js";
import type { RunFigures } from "../../sim/run.js";

const message = (org: string, id: string, targets: string[]) => ({
  pk: `MSG#${org}#0`,
  sk: id,
  org_id: org,
  id,
  targets,
});
const state = (org: string, msg: string, ep: string, ulid: string, status: string) => ({
  pk: `LOG#${org}#${ep}#0`,
  sk: `${msg}#${ulid}`,
  org_id: org,
  msg_id: msg,
  endpoint_id: ep,
  status,
});

function tableOf(items: Record<string, unknown>[]): MemoryTable {
  const t = new MemoryTable();
  for (const item of items) t.put(item);
  return t;
}

describe("backlogLeft", () => {
  it("counts each delivery of the faulty tenants by its latest state, k each", () => {
    const t = tableOf([
      message("bad", "m1", ["ep"]),
      state("bad", "m1", "ep", "01A", "skipped"),
      state("bad", "m1", "ep", "01B", "pending"),
      state("bad", "m1", "ep", "01C", "succeeded"), // resumed and delivered: nothing owed
      message("bad", "m2", ["ep"]),
      state("bad", "m2", "ep", "01A", "skipped"), // still parked
      message("bad", "m3", ["ep"]),
      state("bad", "m3", "ep", "01B", "retrying"),
      message("bad", "m4", ["ep"]),
      state("bad", "m4", "ep", "01A", "pending"),
      message("bad", "m5", ["ep"]), // no state yet
      message("bad", "m6", ["ep"]),
      state("bad", "m6", "ep", "01A", "failed"), // dead-lettered by its policy
      message("bad", "m7", ["ep"]),
      state("bad", "m7", "ep", "01A", "expired"),
      message("ok", "m8", ["ep2"]), // not a faulty tenant's
      state("ok", "m8", "ep2", "01A", "skipped"),
    ]);
    expect(backlogLeft(t, new Set(["bad"]), () => 1000)).toEqual({
      parked: 1000,
      retrying: 1000,
      pending: 1000,
      unrecorded: 1000,
      total: 4000,
    });
  });

  it("is 0 when every delivery ended", () => {
    const t = tableOf([message("bad", "m1", ["ep"]), state("bad", "m1", "ep", "01A", "succeeded")]);
    expect(backlogLeft(t, new Set(["bad"]), () => 7).total).toBe(0);
  });
});

describe("dead-endpoint-3d's aims", () => {
  const figures = (left: number): RunFigures =>
    ({
      lost: 0,
      scheduled_runs_dropped: 0,
      duplicates: 0,
      throttled_writes_dropped: 0,
      lost_to_retention: 0,
      max_in_flight: { q: 1 },
      healthy: { p50_ms: 100, p95_ms: 200, p99_ms: 300 },
      healthy_by_hour: [{ hour: 0, p50_ms: 100, p95_ms: 200, p99_ms: 300 }],
      bad_endpoint_requests_per_hour: { first: 10, last: 1 },
      bad_endpoint_resends_per_hour: { first: 10, last: 1 },
      backlog_left: { parked: left, retrying: 0, pending: 0, unrecorded: 0, total: left },
      counters: {},
    }) as unknown as RunFigures;

  it("a run that leaves the backlog parked fails the backlog aim, and only it", () => {
    const aims = aimsOf("dead-endpoint-3d", figures(1_000_000), figures(0));
    expect(aims.dead_endpoint_backlog_cleared).toEqual({ met: false, value: 1_000_000, limit: 0 });
    expect(
      Object.entries(aims)
        .filter(([, a]) => !a.met)
        .map(([n]) => n),
    ).toEqual(["dead_endpoint_backlog_cleared"]);
  });

  it("a run that sees it through meets it", () => {
    expect(aimsOf("dead-endpoint-3d", figures(0), figures(0)).dead_endpoint_backlog_cleared?.met).toBe(true);
  });
});
