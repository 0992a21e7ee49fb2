/** Scenarios that check the simulation itself: the smoke run npm test makes, the calibration's shape. */
import { burstShape } from "../../bench/burst-shapes.js";
import { simSpec } from "../calibration/sim-side.js";
import { others, type Scenario, single } from "./shape.js";

export const smoke: Scenario = {
  name: "smoke",
  description: "a few minutes at 200 events/s with one failing endpoint (what npm test runs)",
  spec: (_faulty, s) => ({
    seconds: 600 * s.span,
    drainSeconds: 60,
    warmupSeconds: 10,
    // No batching window: with cohorts a batch fills at once, so the window's wait (up to
    // B / 2r, a few ms at busy queues, up to 1 s at quiet ones) is not cohort-invariant
    // (docs/scale.md, "Cohorts"); the cohort test compares the rest.
    world: { warm: true, ingest: { batchWindowSeconds: 0 }, deliver: { batchWindowSeconds: 0 } },
    groups: [others(200, 10, s, 50), single("bad", 100, 10, s, () => "5xx")],
  }),
};

export const calibration: Scenario = {
  name: "calibration",
  description:
    "the local stack's settings: 2 tenants x 100 events at once, one endpoint hanging (baseline: both healthy)",
  // The calibration's shape as `--calibrate` runs it (sim/calibration/sim-side.ts).
  spec: () => simSpec(burstShape("burst-hang")),
};
