/** Delivery metrics come out as one CloudWatch embedded-metric-format line per invocation. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { publishDeliveryMetrics } from "../../core/delivery/metrics.js";

afterEach(() => vi.restoreAllMocks());

describe("delivery metrics", () => {
  it("publishes counts per outcome and every latency in the hookrelay namespace", () => {
    process.env.POWERTOOLS_METRICS_DISABLED = "false"; // read when the metrics are first used
    const lines: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    publishDeliveryMetrics([
      { kind: "succeeded", latencyMs: 12 },
      { kind: "succeeded", latencyMs: 30 },
      { kind: "attempt-failed", latencyMs: 5 },
      { kind: "dead-lettered", latencyMs: 7 },
      { kind: "abandoned" },
    ]);
    const emf = lines.map((l) => JSON.parse(l)).find((o) => o._aws);
    expect(emf._aws.CloudWatchMetrics[0].Namespace).toBe("hookrelay");
    expect(emf).toMatchObject({
      DeliverySucceeded: 2,
      DeliveryAttemptFailed: 1,
      DeliveryDeadLettered: 1,
      DeliveryAbandoned: 1,
      DeliveryLatency: [12, 30, 5, 7],
    });
  });
});
