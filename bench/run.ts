/**
 * `npm run bench`: every benchmark of issue 7 on the local stack, in one run.
 *
 *   npm run bench                     # 2,000 events
 *   npm run bench -- --events 500     # or BENCH_EVENTS=500
 *   npm run bench -- --skip-cold-start
 *   npm run bench -- --noisy-only       # or --burst-only, --cost-only: only those runs, merged into the last results
 *
 * Prints a progress line while it runs and, at the end, markdown tables; writes
 * bench/results.json and bench/results.md (linked from docs/benchmarks.md).
 */
import "./env.js";
// Extends zod with `.openapi()` before any model schema is built (the API schemas call it on
// model fields; importing a model first, as the producer helper does, would break them).
import "@hono/zod-openapi";
import { readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { SQSClient } from "@aws-sdk/client-sqs";
import { createDeps } from "../core/compose.js";
import { clientOptions } from "../core/config/aws.js";
import { loadConfig } from "../core/config/runtime.js";
import { createDeliveryHandler } from "../core/delivery/handler.js";
import { createDb } from "../core/store/db.js";
import { startLocalStack } from "../local/stack.js";
import { runAllBurst, writeBurstDoc } from "./burst.js";
import { CallCounter } from "./calls.js";
import { runColdStart } from "./cold-start.js";
import { COST_ENV, renderCostTable, runCostTable } from "./cost.js";
import { runHandlerCpu, runSignBench } from "./cpu.js";
import { createEndpoints, type E2eContext, type E2eResult, runE2e } from "./e2e.js";
import { startEmulators } from "./emulators.js";
import { DELIVERY_POLLERS, INGEST_POLLERS, runDynamoProbe, runPostFloor, runQueueFloor } from "./floor.js";
import { runNoisy } from "./noisy.js";
import { progressDone } from "./progress.js";
import { startBenchReceiver } from "./receiver.js";
import { machine, round } from "./stats.js";
import { evaluateAims, type Results, renderTable } from "./table.js";

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const raw = i >= 0 ? process.argv[i + 1] : process.env[`BENCH_${name.toUpperCase().replace(/-/g, "_")}`];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
  return n;
}

const root = fileURLToPath(new URL("..", import.meta.url));
const events = option("events", 2000);
const retryEvents = option("retry-events", Math.min(events, 500));
const skipColdStart = process.argv.includes("--skip-cold-start");
/** Only the noisy-neighbour runs, merged into the last results.json (the other tables are kept). */
const noisyOnly = process.argv.includes("--noisy-only");
/** Only the burst-isolation runs (bench/burst.ts), merged likewise. */
const burstOnly = process.argv.includes("--burst-only");
/** Only the cost table (bench/cost.ts, docs/cost.md), merged likewise. */
const costOnly = process.argv.includes("--cost-only");
const partial = noisyOnly || burstOnly || costOnly;
const started = Date.now();

const results: Results = {
  command: `npm run bench${events !== 2000 ? ` -- --events ${events}` : ""}`,
  machine: machine(),
  startedAt: new Date(started).toISOString(),
  durationSeconds: 0,
  events,
  retryEvents,
  deliveryPollers: DELIVERY_POLLERS,
  ingestPollers: INGEST_POLLERS,
  loadAverage: { start: round(loadavg()[0]!, 1) },
  e2e: [],
};

// 1. Cold start first, while nothing else competes for the CPU.
if (!skipColdStart && !partial) results.coldStart = await runColdStart(root, 7);
// 2. Signing: pure CPU.
if (!partial) results.sign = runSignBench();

// 3. The stack on emulators shared with the floor runs.
const emulators = await startEmulators();
const receiver = await startBenchReceiver();
const counter = new CallCounter();
let stack: Awaited<ReturnType<typeof startLocalStack>> | undefined;
try {
  stack = await startLocalStack({
    port: 0,
    emulators: {
      dynamodbEndpoint: emulators.dynamodbEndpoint,
      sqsEndpoint: emulators.sqsEndpoint,
      suffix: "bench",
    },
    // One retry a second instead of 5 s, 5 min, ... so the retry case completes quickly.
    env: { RETRY_SCHEDULE: "1" },
    wrap: (h) => ({
      ...h,
      ingest: counter.wrap("ingest", h.ingest),
      deliver: counter.wrap("deliver", h.deliver),
      maintenance: (e) => counter.wrap("maintenance", async () => h.maintenance(e))({}),
    }),
  });
  counter.instrument(stack.deps.sqs, "SQS");
  counter.instrument(stack.deps.db.doc, "DynamoDB");
  const producer = new SQSClient(clientOptions(stack.config, stack.config.endpoints.sqs));
  counter.instrument(producer, "SQS", "producer");
  const admin = new SQSClient(clientOptions(stack.config, stack.config.endpoints.sqs));
  const ctx: E2eContext = { stack, receiver, counter, producer, admin };
  if (partial) {
    if (noisyOnly) await runAllNoisy(ctx);
    if (burstOnly) results.burst = await runAllBurst(ctx, !noisyOnly);
    if (costOnly) {
      // On the stack's tables and queues with its pollers stopped, as in a full run (below).
      const env = stack.env;
      await stack.stop();
      stack = undefined;
      results.cost = await runCostTable(
        createDeps(loadConfig({ ...process.env, ...env, ...COST_ENV })),
        admin,
      );
    }
    const previous = JSON.parse(readFileSync(new URL("./results.json", import.meta.url), "utf8")) as Results;
    Object.assign(results, {
      ...previous,
      ...(noisyOnly ? { noisy: results.noisy } : {}),
      ...(burstOnly ? { burst: results.burst } : {}),
      ...(costOnly ? { cost: results.cost } : {}),
    });
    producer.destroy();
    admin.destroy();
  } else {
    // Warm-up (not reported): JIT, connection pools, endpoint caches of the code paths.
    await runE2e(ctx, { name: "warm-up", events: Math.min(200, events), fanout: 1 });

    // Floor warm-up (not reported): the first receive loop of a run is slower (JIT of fauxqs and undici).
    await runQueueFloor(admin, receiver, Math.min(500, events), "warm-up");
    results.floor = {
      queue: await runQueueFloor(admin, receiver, events),
      post: await runPostFloor(receiver, events),
      dynamo: await runDynamoProbe(createDb(stack.config), 400, INGEST_POLLERS * 10),
    };
    const runs: E2eResult[] = [];
    runs.push(await runE2e(ctx, { name: "fan-out 1", events, fanout: 1 }));
    runs.push(await runE2e(ctx, { name: "fan-out 5", events, fanout: 5 }));
    results.floor.queueAfter = await runQueueFloor(admin, receiver, events, "after fan-out 1 and 5");
    // Latency when not saturated: half the measured fan-out 1 throughput, for ~10 s.
    const rate = Math.max(5, Math.min(200, Math.round(runs[0]!.deliveriesPerSecond / 2)));
    runs.push(
      await runE2e(ctx, {
        name: `paced ${rate} events/s, fan-out 1`,
        events: rate * 10,
        fanout: 1,
        ratePerSecond: rate,
      }),
    );
    runs.push(
      await runE2e(ctx, {
        name: "every 4th event retried once (fan-out 1, its first attempt 500)",
        events: retryEvents,
        fanout: 1,
        failFirst: true,
      }),
    );
    results.e2e = runs;
    await runAllNoisy(ctx);
    results.burst = await runAllBurst(ctx, false);
    results.maxRssMb = round(process.resourceUsage().maxRSS / 1024, 0);

    // 4. The delivery handler alone, on synthetic SQSEvents, with the pollers stopped.
    const fast = await createEndpoints(ctx, 1, { path: () => "/fast" });
    const env = stack.env;
    await stack.stop();
    stack = undefined;
    const deps = createDeps(loadConfig({ ...process.env, ...env }));
    const handlerCounter = new CallCounter();
    handlerCounter.instrument(deps.sqs, "SQS", "deliver");
    handlerCounter.instrument(deps.db.doc, "DynamoDB", "deliver");
    results.handlerCpu = {
      ...(await runHandlerCpu({
        handler: createDeliveryHandler(deps),
        orgId: fast.orgId,
        endpointId: fast.endpointIds[0]!,
        queueArn: env.DELIVERY_QUEUE_ARN!,
        records: 2000,
        concurrency: DELIVERY_POLLERS,
      })),
      calls: handlerCounter.take(),
    };
    // 5. The cost table: every scenario of docs/cost.md, counted and priced.
    results.cost = await runCostTable(createDeps(loadConfig({ ...process.env, ...env, ...COST_ENV })), admin);
    producer.destroy();
    admin.destroy();
  }
} finally {
  await stack?.stop();
  await receiver.stop();
  await emulators.stop();
}

/** Baseline, then one run per kind of bad endpoint (issue 11). */
async function runAllNoisy(ctx: E2eContext): Promise<void> {
  const pace = { rate: option("noisy-rate", 60), seconds: option("noisy-seconds", 20) };
  // Warm-up (not reported): the first paced run of a stack pays for JIT and connection set-up.
  await runNoisy(ctx, "none", { rate: pace.rate, seconds: 5 });
  results.noisy = [];
  for (const bad of ["none", "hang", "503", "slow"] as const)
    results.noisy.push(await runNoisy(ctx, bad, pace));
}

const seconds = round((Date.now() - started) / 1000, 0);
const loadAtEnd = round(loadavg()[0]!, 1);
// A partial run keeps the header of the full run it merges into, and stamps its own part.
if (!partial) {
  results.durationSeconds = seconds;
  results.loadAverage.end = loadAtEnd;
}
if (costOnly) {
  const when = new Date().toISOString().slice(0, 16).replace("T", " ");
  results.costRun = `npm run bench -- --cost-only (${when} UTC, ${seconds} s, load average ${loadAtEnd} at the end)`;
}
progressDone(`done in ${seconds} s`);
results.aims = evaluateAims(results);
const table = `${renderTable(results)}\n\n${results.cost ? renderCostTable(results.cost, results.costRun) : ""}`;
writeFileSync(new URL("./results.json", import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(new URL("./results.md", import.meta.url), `${table}\n`);
// Only when this run made the burst runs: a partial run of other parts keeps the doc's stamp.
if (results.burst?.length && (!partial || burstOnly))
  writeBurstDoc(results.burst, burstOnly ? "npm run bench -- --burst-only" : results.command);
process.stdout.write(`\n${table}\n`);
