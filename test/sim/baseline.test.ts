/**
 * `baseline_healthy` is the delay of the same tenants as `healthy` (issue #25: both are "the
 * tenants not at fault"): the tenants at fault are left out of the baseline too, where their
 * endpoints answer as healthy ones. It counted them before, so in `dead-endpoint-3d` the
 * baseline's p95 was mostly the dead endpoint's own 5,000 events/s (docs/scale.md).
 * A small run of the production code (test/sim/baseline-runs.ts, a child process).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const run = promisify(execFile);

it("the baseline's healthy delays are of the tenants not at fault, as the faulty run's", async () => {
  const { stdout } = await run("npx", ["tsx", "test/sim/baseline-runs.ts"], {
    cwd: new URL("../..", import.meta.url).pathname,
    maxBuffer: 16 * 1024 * 1024,
  });
  const f = JSON.parse(stdout.trim().split("\n").at(-1)!) as {
    faulty: number;
    baseline: number;
    baseline_all: number;
  };
  expect(f.faulty).toBeGreaterThan(0);
  // Every other tenant's delivery arrives in both runs; the tenant at fault's are more besides.
  expect(f.baseline).toBe(f.faulty);
  expect(f.baseline_all).toBeGreaterThan(f.baseline);
}, 300_000);
