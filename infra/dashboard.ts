/**
 * The CloudWatch dashboard `hookrelay-<stage>`: the delivery figures (the stage's own metrics,
 * core/delivery/metrics.ts), then each function, each queue, the API, the table and the
 * scheduler. Alarms are in infra/alarms.ts; docs/operations.md reads the dashboard with them.
 */
import type { Watched } from "./alarms.js";
import { stageName } from "./stage.js";

/** The names the widgets need, once deployed. */
interface Names {
  region: string;
  namespace: string;
  service: string;
  functions: [label: string, name: string][];
  queues: [label: string, name: string][];
  dlqs: [label: string, name: string][];
  apiId: string;
  table: string;
  scheduleGroup: string;
}

type Metric = (string | Record<string, string>)[];

export function createDashboard(w: Watched): aws.cloudwatch.Dashboard {
  return new aws.cloudwatch.Dashboard("Dashboard", {
    dashboardName: stageName("operations"),
    dashboardBody: deployedNames(w).apply((n) => JSON.stringify(dashboardBody(n))),
  });
}

function deployedNames(w: Watched): $util.Output<Names> {
  const f = w.functions;
  const q = w.queues;
  const labelled = (list: [string, $util.Input<string>][]) =>
    $resolve(list.map(([, v]) => v)).apply((values) =>
      values.map((v, i): [string, string] => [list[i]![0], v]),
    );
  return $resolve([
    aws.getRegionOutput().region,
    w.api.nodes.api.id,
    w.table.name,
    w.scheduler.group.name,
    labelled([
      ["api", f.api.nodes.function.name],
      ["ingest", f.ingest.nodes.function.name],
      ["deliver", f.deliver.nodes.function.name],
      ["deliver-slow", f.deliverSlow.nodes.function.name],
      ["deliver-ordered", f.deliverOrdered.nodes.function.name],
      ["scheduled", f.scheduled.nodes.function.name],
    ]),
    labelled([
      ["ingest", q.ingest.nodes.queue.name],
      ["delivery", q.delivery.nodes.queue.name],
      ["delivery-slow", q.deliverySlow.nodes.queue.name],
      ["delivery-ordered (FIFO)", q.deliveryOrdered.nodes.queue.name],
    ]),
    labelled([
      ["ingest DLQ", q.ingestDlq.nodes.queue.name],
      ["delivery DLQ (retries exhausted)", q.deliveryDlq.nodes.queue.name],
      ["scheduler DLQ", q.schedulerDlq.nodes.queue.name],
      ["ordered DLQ (crashes)", q.deliveryOrderedDlq.nodes.queue.name],
    ]),
  ] as const).apply(
    ([region, apiId, table, scheduleGroup, functions, queues, dlqs]): Names => ({
      region,
      namespace: w.stage.metricsNamespace,
      service: $app.name,
      apiId,
      table,
      scheduleGroup,
      functions,
      queues,
      dlqs,
    }),
  );
}

/** Widgets, two per row; each is one concern. */
export function dashboardBody(n: Names): { widgets: object[] } {
  const panels: [title: string, metrics: Metric[], stat?: string][] = [
    ...deliveryPanels(n),
    ...functionPanels(n),
    ...queuePanels(n),
    ...servicePanels(n),
  ];
  return {
    widgets: panels.map(([title, metrics, stat], i) => ({
      type: "metric",
      x: (i % 2) * 12,
      y: Math.floor(i / 2) * 6,
      width: 12,
      height: 6,
      properties: { title, region: n.region, view: "timeSeries", stat: stat ?? "Sum", period: 300, metrics },
    })),
  };
}

function deliveryPanels(n: Names): [string, Metric[], string?][] {
  const own = (name: string, label: string, stat?: string): Metric => [
    n.namespace,
    name,
    "service",
    n.service,
    { label, ...(stat ? { stat } : {}) },
  ];
  return [
    [
      "Deliveries",
      [
        own("DeliverySucceeded", "succeeded"),
        own("DeliveryAttemptFailed", "attempt failed (will retry)"),
        own("DeliveryDeadLettered", "retries exhausted (customers' endpoints)"),
        own("DeliveryParked", "parked (breaker open)"),
        own("DeliveryRateLimited", "held by a rate limit"),
        own("DeliveryDeferredUnproven", "deferred: new endpoint on trial"),
        own("DeliveryDeferredSlowCap", "deferred: failing endpoint's slow-lane cap"),
        own("DeliveryMovedToSlowLane", "moved to the slow lane"),
      ],
    ],
    [
      "Receivers' response time (ms) and service errors",
      [
        own("DeliveryLatency", "p50", "p50"),
        own("DeliveryLatency", "p99", "p99"),
        own("DeliveryTaskInvalid", "invalid tasks", "Sum"),
        own("DeliveryHandlerError", "handler errors", "Sum"),
      ],
    ],
  ];
}

function functionPanels(n: Names): [string, Metric[], string?][] {
  const per = (metric: string, opts: Record<string, string> = {}): Metric[] =>
    n.functions.map(([label, fn]) => ["AWS/Lambda", metric, "FunctionName", fn, { label, ...opts }]);
  return [
    ["Function invocations", per("Invocations")],
    [
      "Function errors and throttles",
      [
        ...per("Errors").map((m) => relabel(m, "errors")),
        ...per("Throttles").map((m) => relabel(m, "throttles")),
      ],
    ],
    ["Function duration p99 (ms)", per("Duration"), "p99"],
    ["Function concurrency", per("ConcurrentExecutions"), "Maximum"],
  ];
}

function queuePanels(n: Names): [string, Metric[], string?][] {
  const per = (list: [string, string][], metric: string): Metric[] =>
    list.map(([label, q]) => ["AWS/SQS", metric, "QueueName", q, { label }]);
  return [
    ["Queue depth (visible)", per(n.queues, "ApproximateNumberOfMessagesVisible"), "Maximum"],
    [
      "In flight (SQS cap 120,000; FIFO 20,000)",
      per(n.queues, "ApproximateNumberOfMessagesNotVisible"),
      "Maximum",
    ],
    ["Age of the oldest message (s)", per(n.queues, "ApproximateAgeOfOldestMessage"), "Maximum"],
    ["Dead-letter queues", per(n.dlqs, "ApproximateNumberOfMessagesVisible"), "Maximum"],
  ];
}

function servicePanels(n: Names): [string, Metric[], string?][] {
  const api = (metric: string, label: string, stat = "Sum"): Metric => [
    "AWS/ApiGateway",
    metric,
    "ApiId",
    n.apiId,
    { label, stat },
  ];
  const table = (metric: string): Metric => ["AWS/DynamoDB", metric, "TableName", n.table, { label: metric }];
  const scheduler = (metric: string): Metric => [
    "AWS/Scheduler",
    metric,
    "ScheduleGroup",
    n.scheduleGroup,
    { label: metric },
  ];
  return [
    ["API requests and errors", [api("Count", "requests"), api("4xx", "4xx"), api("5xx", "5xx")]],
    ["API latency (ms)", [api("Latency", "p50", "p50"), api("Latency", "p99", "p99")]],
    [
      "DynamoDB capacity and throttles",
      [
        table("ConsumedReadCapacityUnits"),
        table("ConsumedWriteCapacityUnits"),
        table("ReadThrottleEvents"),
        table("WriteThrottleEvents"),
      ],
    ],
    [
      "Scheduler",
      [
        scheduler("InvocationAttemptCount"),
        scheduler("TargetErrorCount"),
        scheduler("TargetErrorThrottledCount"),
        scheduler("InvocationDroppedCount"),
      ],
    ],
  ];
}

/** The same metric with " <what>" appended to its label. */
function relabel(m: Metric, what: string): Metric {
  const opts = m[m.length - 1] as Record<string, string>;
  return [...m.slice(0, -1), { ...opts, label: `${opts.label} ${what}` }];
}
