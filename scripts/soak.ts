/**
 * The soak: 10,000 events at fan-out 3 through the whole local stack (its own DynamoDB Local
 * and fauxqs, the same handlers as Lambda behind the SQS event-source emulation), 10 % of
 * receiver responses failing at random, a 1 s retry schedule. Then the accounting of
 * scripts/load.ts: nothing lost, every failure in the attempt log or the DLQ.
 *
 *   npm run soak [-- --events 10000 --fail-rate 0.1 --seed 8 --timeout-min 30 --json out.json]
 *
 * Exits 1 when anything is lost or does not add up.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "10000" },
    "fail-rate": { type: "string", default: "0.1" },
    seed: { type: "string", default: "8" },
    "timeout-min": { type: "string", default: "30" },
    json: { type: "string" },
  },
});

const { logger } = await import("../core/log/logger.js");
const { startLocalStack } = await import("../local/stack.js");
const { runLoad } = await import("./load.js");

logger.setLogLevel("ERROR");
const started = Date.now();
const stamp = () => `[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s]`;
console.log(`${stamp()} starting the local stack (DynamoDB Local, fauxqs, handlers)…`);
const stack = await startLocalStack({ env: { RETRY_SCHEDULE: "1" } });
let code = 1;
try {
  const report = await runLoad(stack, {
    events: Number(values.events),
    failRate: Number(values["fail-rate"]),
    seed: Number(values.seed),
    timeoutMs: Number(values["timeout-min"]) * 60_000,
    progress: (line) => console.log(`${stamp()} ${line}`),
  });
  const ok = report.settled && report.lost.length === 0 && report.mismatches.length === 0;
  console.log(`\n${stamp()} soak ${ok ? "PASSED" : "FAILED"}`);
  console.table({
    events: report.events,
    "deliveries (event x endpoint)": report.pairs,
    "requests received": report.requests,
    "responses 500": report.responses500,
    "attempts logged": report.attemptsLogged,
    "failed attempts logged": report.failedAttemptsLogged,
    "unanswered attempts (sender gave up)": report.unansweredAttemptsLogged,
    settled: report.settled,
    "deliveries succeeded": report.succeeded,
    "deliveries failed": report.failed,
    "tasks in the DLQ": report.deadLettered,
    "duplicate successes": report.duplicateSuccesses,
    lost: report.lost.length,
    "accounting mismatches": report.mismatches.length,
    "publish time (s)": report.publishMs / 1000,
    "time to drain (s)": report.drainMs / 1000,
    "deliveries per second": report.deliveriesPerSecond,
  });
  for (const m of report.mismatches.slice(0, 20)) console.log(`  mismatch: ${m}`);
  for (const l of report.lost.slice(0, 20)) console.log(`  lost: ${l}`);
  if (values.json) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
  code = ok ? 0 : 1;
} finally {
  await stack.stop();
}
process.exit(code);
