/**
 * The calibration table over several runs per side (`--calibrate --runs N`, docs/scale.md
 * "Calibration"): delays compared as the medians of the runs, counts run by run.
 */
import { describe, expect, it } from "vitest";
import type { Side } from "../../sim/calibration/sim-side.js";
import { calibrationTable, median } from "../../sim/calibration/table.js";

const side = (s: Partial<Side> & Pick<Side, "side">, p: [number, number, number]): Side => ({
  shape: "burst-healthy",
  deliveries: 200,
  attempts: 200,
  failed_attempts: 0,
  slow_lane_moves: 0,
  breaker_opens: 0,
  parked: 0,
  dead_letters: 0,
  trial_deferrals: 40,
  other_delivered: 100,
  other: { p50_ms: p[0], p95_ms: p[1], p99_ms: p[2] },
  ...s,
});

const row = (table: string, who: string) => table.split("\n").find((l) => l.includes(`| ${who} |`))!;

describe("calibration table", () => {
  it("median: the middle run, or the mean of the middle two", () => {
    expect(median([1241, 667, 700])).toBe(700);
    expect(median([3, 1])).toBe(2);
    expect(median([5])).toBe(5);
  });

  it("compares the medians of the runs: one run's bimodal p95 does not decide", () => {
    const t = calibrationTable([
      side({ side: "local stack", run: 1 }, [440, 1241, 1250]),
      side({ side: "local stack", run: 2 }, [452, 667, 1292]),
      side({ side: "local stack", run: 3 }, [445, 700, 1260]),
      side({ side: "simulation", run: 1, seed: 1 }, [409, 614, 1184]),
      side({ side: "simulation", run: 2, seed: 2 }, [410, 615, 1184]),
      side({ side: "simulation", run: 3, seed: 3 }, [402, 609, 1184]),
    ]);
    expect(row(t, "local stack")).toContain("| 3 |");
    expect(row(t, "local stack")).toContain("445 (440–452) / 700 (667–1241) / 1260 (1250–1292)");
    // 614 is within 30 % of 700 (not of 1,241, the first run's alone).
    expect(row(t, "simulation")).toContain("409 (402–410) / 614 (609–615) / 1184 |");
    expect(row(t, "simulation")).not.toContain("≠");
  });

  it("marks a count any run of which differs, and a median delay beyond 30 %", () => {
    const t = calibrationTable([
      side({ side: "local stack", run: 1, attempts: 145 }, [52, 199, 1132]),
      side({ side: "local stack", run: 2, attempts: 148 }, [39, 64, 1132]),
      side({ side: "simulation", run: 1, attempts: 148 }, [24, 50, 1079]),
      side({ side: "simulation", run: 2, attempts: 148 }, [24, 50, 1079]),
    ]);
    expect(row(t, "local stack")).toContain("| 145–148 |");
    expect(row(t, "simulation")).toContain("| 148 ≠ |");
    expect(row(t, "simulation")).toContain("| 200 | 148 ≠ | 0 |");
    // p50 46 against 24 is within the 50 ms grain; p95 132 against 50 is not.
    expect(row(t, "simulation")).toContain("24 / 50 ≠ / 1079");
  });

  it("tables older JSON (no run numbers, no trial deferrals) as one run per line", () => {
    const old = side({ side: "local stack" }, [455, 1164, 1172]);
    delete (old as Partial<Side>).trial_deferrals;
    const t = calibrationTable([old, side({ side: "simulation" }, [436, 722, 1184])]);
    expect(row(t, "local stack")).toContain("| 1 | 200 |");
    expect(row(t, "local stack")).toContain("| – | 455 / 1164 / 1172 |");
    expect(row(t, "simulation")).toContain("436 / 722 ≠ / 1184");
  });
});
