/**
 * The run test/sim/baseline.test.ts reads (`npx tsx test/sim/baseline-runs.ts`): a small
 * scenario, with its fault and without it, as `npm run simulate` runs both; prints the
 * deliveries each run's `healthy` delays are of as one JSON line. A child process, as
 * test/sim/cli.ts says why.
 */
process.env.LOG_LEVEL = "SILENT";
process.env.POWERTOOLS_METRICS_DISABLED = "true";
process.env.POWERTOOLS_DEV = "false";

const { runOnce } = await import("../../sim/run.js");
const { others, single } = await import("../../sim/scenarios/shape.js");
type RunSpec = import("../../sim/run.js").RunSpec;

const scale = { k: 1, span: 1 };
const spec = (): RunSpec => ({
  seconds: 60,
  drainSeconds: 600,
  world: { warm: true },
  groups: [others(20, 1, scale, 4), single("bad", 10, 1, scale, () => "5xx")],
});
const faulty = await runOnce(spec(), 1, true);
const baseline = await runOnce(spec(), 1, false);
process.stdout.write(
  `${JSON.stringify({ faulty: faulty.healthy_deliveries, baseline: baseline.healthy_deliveries, baseline_all: baseline.deliveries })}\n`,
);
