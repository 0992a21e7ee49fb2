/**
 * The small runs test/sim/lost.test.ts reads (`npx tsx test/sim/lost-runs.ts CASE`): the
 * production code on the models, with one fault the case arranges; prints the run's figures
 * as one JSON line. A child process, as test/sim/cli.ts says why.
 *
 * - `dropped-run`: an endpoint fails for 2 min, then recovers; its first scheduled run (a
 *   resume or waiting run) does its work, but the invocation fails each time Lambda tries it
 *   (it timed out after its work, say), so Lambda drops it after its two retries. Every
 *   delivery still arrives: nothing is lost.
 * - `dropped-message`: SQS loses the first delivery task sent to the delivery queue (a model
 *   that drops a message): that delivery is never attempted, so it is lost.
 */
process.env.LOG_LEVEL = "SILENT";
process.env.POWERTOOLS_METRICS_DISABLED = "true";
process.env.POWERTOOLS_DEV = "false";

const { runOnce } = await import("../../sim/run.js");
const { others, single } = await import("../../sim/scenarios/shape.js");
const { QUEUE } = await import("../../sim/world.js");
type World = import("../../sim/world.js").World;
type SchedulerTargets = import("../../sim/aws/scheduler.js").SchedulerTargets;

const scale = { k: 1, span: 1 };

/** The first scheduled function run fails after its work, every time it is invoked. */
function failFirstRun(world: World): void {
  const targets = (world.scheduler as unknown as { targets: SchedulerTargets }).targets;
  const invoke = targets.invoke;
  let first: string | undefined;
  targets.invoke = async (arn, body) => {
    first ??= body;
    await invoke(arn, body);
    if (body === first) throw new Error("the run's invocation failed after its work");
  };
}

/** SQS loses the first task sent to the delivery queue (accepted, never stored). */
function loseFirstTask(world: World): void {
  const q = world.sqs.queues.get(QUEUE.delivery)!;
  const put = q.put.bind(q);
  let lost = false;
  q.put = (m, delayMs) => {
    if (lost) return put(m, delayMs);
    lost = true;
    return true;
  };
}

const cases: Record<string, (world: World) => void> = {
  "dropped-run": failFirstRun,
  "dropped-message": loseFirstTask,
};
const name = process.argv[2] ?? "";
const arrange = cases[name];
if (!arrange) throw new Error(`no case ${name}; known: ${Object.keys(cases).join(", ")}`);

const f = await runOnce(
  {
    seconds: 300,
    drainSeconds: 7200,
    faultFrom: 0,
    faultTo: 120,
    world: { warm: true },
    groups: [others(20, 1, scale, 4), single("bad", 10, 1, scale, (t) => (t < 120_000 ? "5xx" : "healthy"))],
    arrange: (world, faulty) => {
      if (faulty) arrange(world);
    },
  },
  1,
  true,
);
const { counters: _c, maxima: _m, healthy_by_hour: _h, ...figures } = f;
process.stdout.write(`${JSON.stringify(figures)}\n`);
