/**
 * `--calibrate`: the calibration shapes in the simulation (the local-stack side is not
 * built yet: docs/scale.md, "Calibration").
 */
import { runOnce } from "./run.js";
import { calibrationSpec } from "./scenarios.js";

export async function calibrate(seed: number): Promise<void> {
  for (const hanging of [false, true]) {
    const f = await runOnce(calibrationSpec(hanging), seed, true);
    const c = f.counters;
    process.stdout.write(
      `${JSON.stringify({
        shape: hanging ? "2x100 at once, one endpoint hanging" : "2x100 at once, both healthy",
        side: "simulation",
        deliveries: f.deliveries,
        attempts: c.receiver_requests ?? 0,
        slow_lane_moves: c["log:endpoint moved to the slow lane"] ?? 0,
        breaker_opens: c["log:endpoint breaker opened"] ?? 0,
        dead_letters: f.dead_lettered,
        healthy: f.healthy,
      })}\n`,
    );
  }
}
