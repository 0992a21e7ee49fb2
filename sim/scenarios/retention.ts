/** Scenarios of the queues' retention: the slow lane behind for longer than it, with and without the guard. */
import type { RunSpec } from "../run.js";
import { DAY, HOUR, others, type Scale, type Scenario, single } from "./shape.js";

/**
 * The slow lane behind for longer than the retention guard: one endpoint answering in 8 s at
 * 4 events/s for 1 h while the slow lane takes one record at a time in 2 invocations (~0.25/s),
 * so a task published at p seconds is received at ~16p: past the 2 h retention from p ≈ 480 s.
 * Every queue's retention is 2 h and the guard parks at 1 h (14 and 7 days, 168-fold shorter);
 * `guarded: false` sets the guard past the retention (13 days).
 */
function behindPastRetention(s: Scale, guarded: boolean): RunSpec {
  const RETENTION = 2 * HOUR;
  return {
    seconds: HOUR * s.span,
    drainSeconds: 3 * HOUR,
    world: {
      retentionSeconds: RETENTION,
      deliverSlow: { maxConcurrency: 2, batchSize: 1 },
      env: { PARK_AFTER_QUEUED_SECONDS: String(guarded ? RETENTION / 2 : 13 * DAY) },
    },
    groups: [others(100, 200, s, 20), single("behind", 4, 16, s, () => "slow")],
  };
}

export const retentionGuard: Scenario = {
  name: "retention-guard",
  description:
    "the slow lane far behind (one endpoint at 4 events/s answering in 8 s, the slow lane taking ~0.25/s), past the queues' retention (shortened to 2 h; the guard parks at 1 h)",
  spec: (_faulty, s) => behindPastRetention(s, true),
};

export const retentionUnguarded: Scenario = {
  name: "retention-unguarded",
  counterfactual: true,
  description:
    "retention-guard without the guard (PARK_AFTER_QUEUED_SECONDS past the retention): what it loses",
  spec: (_faulty, s) => behindPastRetention(s, false),
};
