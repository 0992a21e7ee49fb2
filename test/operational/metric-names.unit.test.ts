/**
 * The alarms and the dashboard read the metrics the code emits: every metric of the stage's
 * namespace that infra/alarms.ts or infra/dashboard.ts names is one the delivery function
 * publishes (core/delivery/metrics.ts), found by making the code emit every kind of outcome and
 * recording the names it adds. A renamed metric in either place fails here, not in production
 * with an alarm that never fires.
 */
import { afterAll, describe, expect, it, vi } from "vitest";
import {
  DELIVERY_OUTCOME_KINDS,
  publishBreakerOpened,
  publishDeliveryMetrics,
  publishScheduledRunRetried,
} from "../../core/delivery/metrics.js";
import { publishIngestDeferred } from "../../core/events/defer-send.js";
import { metrics } from "../../core/log/index.js";
import { deploy, unwrap } from "../support/sst-recorder.js";

/** The names the code adds to the stage's metrics when every outcome happens once. */
function emittedNames(): Set<string> {
  const m = metrics();
  const add = vi.spyOn(m, "addMetric");
  const publish = vi.spyOn(m, "publishStoredMetrics").mockImplementation(() => m);
  try {
    publishDeliveryMetrics(DELIVERY_OUTCOME_KINDS.map((kind) => ({ kind, latencyMs: 5 })));
    publishBreakerOpened();
    publishScheduledRunRetried();
    publishIngestDeferred(1, 1);
    return new Set(add.mock.calls.map(([name]) => name));
  } finally {
    add.mockRestore();
    publish.mockRestore();
    m.clearMetrics();
  }
}

describe("metric names: alarms and dashboard against what the code emits", async () => {
  const { rec } = await deploy("dev");
  const namespace = "hookrelay/dev";
  const emitted = emittedNames();
  afterAll(() => vi.restoreAllMocks());

  it("the code emits one metric per outcome, the latency, the breaker's, the retried runs' and ingest's deferrals", () => {
    expect(emitted.size).toBe(DELIVERY_OUTCOME_KINDS.length + 5);
    expect(emitted).toContain("DeliveryDeadLettered");
  });

  it("every alarm on the stage's namespace reads a metric the code emits", () => {
    const own = rec
      .all("aws.cloudwatch.MetricAlarm")
      .map((a) => unwrap(a.args) as { namespace?: string; metricName?: string })
      .filter((a) => a.namespace === namespace);
    expect(own.length).toBeGreaterThan(0);
    for (const a of own) expect(emitted, `alarm on ${a.metricName}`).toContain(a.metricName);
  });

  it("every dashboard figure from the stage's namespace is a metric the code emits", () => {
    const dash = rec.one("aws.cloudwatch.Dashboard", "Dashboard");
    const body = JSON.parse(unwrap(dash.args.dashboardBody) as string) as {
      widgets: { properties: { metrics?: unknown[][] } }[];
    };
    const own = body.widgets
      .flatMap((w) => w.properties.metrics ?? [])
      .filter((m) => m[0] === namespace)
      .map((m) => String(m[1]));
    expect(own.length).toBeGreaterThan(0);
    for (const name of own) expect(emitted, `dashboard figure ${name}`).toContain(name);
  });
});
