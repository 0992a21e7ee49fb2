/** Delivery metrics come out as one CloudWatch embedded-metric-format line per invocation. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { publishDeliveryMetrics } from "../../core/delivery/metrics.js";

afterEach(() => vi.restoreAllMocks());

function captureEmf(): () => Record<string, unknown> & {
  _aws: { CloudWatchMetrics: { Namespace: string }[] };
} {
  process.env.POWERTOOLS_METRICS_DISABLED = "false"; // read when the metrics are first used
  const lines: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  return () => lines.map((l) => JSON.parse(l)).find((o) => o._aws);
}

describe("delivery metrics", () => {
  it("publishes counts per outcome and every latency in the hookrelay namespace", () => {
    const emf = captureEmf();
    publishDeliveryMetrics([
      { kind: "succeeded", latencyMs: 12 },
      { kind: "succeeded", latencyMs: 30 },
      { kind: "attempt-failed", latencyMs: 5 },
      { kind: "dead-lettered", latencyMs: 7 },
      { kind: "abandoned" },
    ]);
    expect(emf()._aws.CloudWatchMetrics[0]!.Namespace).toBe("hookrelay");
    expect(emf()).toMatchObject({
      DeliverySucceeded: 2,
      DeliveryAttemptFailed: 1,
      DeliveryDeadLettered: 1,
      DeliveryAbandoned: 1,
      DeliveryLatency: [12, 30, 5, 7],
    });
  });

  it("counts an unreadable task apart from retries exhausted (the first pages the operator, the second does not)", () => {
    const emf = captureEmf();
    publishDeliveryMetrics([{ kind: "invalid" }, { kind: "dead-lettered" }, { kind: "invalid" }]);
    expect(emf()).toMatchObject({ DeliveryTaskInvalid: 2, DeliveryDeadLettered: 1 });
  });
});
