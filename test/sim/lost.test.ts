/**
 * What the simulation counts as lost (sim/lost.ts, issue #25 item 5): a delivery the service
 * accepted and nothing delivered, ended or still holds, not a scheduled run Lambda dropped.
 * Two small runs of the production code (test/sim/lost-runs.ts, a child process each).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

async function runCase(name: string): Promise<Record<string, unknown>> {
  const { stdout } = await run("npx", ["tsx", "test/sim/lost-runs.ts", name], {
    cwd: new URL("../..", import.meta.url).pathname,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;
}

describe("the simulation's lost deliveries", () => {
  it("a scheduled run dropped after Lambda's retries, everything delivered: lost 0, the run reported apart", async () => {
    const f = await runCase("dropped-run");
    // Counted as lost before: `lost` was lost_to_retention + async_invocations_dropped.
    expect(f.scheduled_runs_dropped).toBe(1);
    expect(f.lost).toBe(0);
    expect((f.backlog_left as { total: number }).total).toBe(0);
    expect(f.duplicates).toBe(0);
  }, 300_000);

  it("a delivery task SQS lost, never attempted: lost 1", async () => {
    const f = await runCase("dropped-message");
    // Counted nowhere before: no retention, no dropped run.
    expect(f.lost).toBe(1);
    expect(f.scheduled_runs_dropped).toBe(0);
  }, 300_000);
});
