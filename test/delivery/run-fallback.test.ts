/**
 * A scheduled endpoint run (the resume of parked deliveries, the run of waiting retries) that
 * fails schedules its next run instead of failing the scheduled function's invocation
 * (core/delivery/run-fallback.ts; issue #25, dead-endpoint-3d after recovery): on AWS a failed
 * asynchronous invocation is retried twice and then only reaches the scheduler's DLQ, and the
 * parked backlog, or the due retries of an endpoint that gets no later waiter, would stay. On
 * DynamoDB Local and the SQS emulator: SQS refuses the run's page, the run is scheduled again,
 * and that run delivers each once.
 */
import { describe, expect, it } from "vitest";
import { createMaintenanceHandler } from "../../core/delivery/maintenance.js";
import { BREAKER_PARKED } from "../../core/delivery/policy/closed.js";
import { RUN_RETRY_SECONDS } from "../../core/delivery/policy/resume-pace.js";
import { deliveryEntry } from "../../core/delivery/records.js";
import { deliveryOf, putMessageOf, taskFor, waitForDelivery } from "../support/deliveries.js";
import { fireSchedules, scheduleEntriesWith, useHarness } from "../support/delivery.js";
import { putEndpoint } from "../support/endpoints.js";
import { failCalls } from "../support/faults.js";

const h = useHarness();

async function parkedDelivery(url: string) {
  const ep = await putEndpoint(h.deps, { url });
  const t = taskFor(ep);
  await putMessageOf(h.deps, t);
  const parked = {
    status: "skipped" as const,
    attempts: 3,
    lastStatusCode: 500,
    lastError: BREAKER_PARKED,
    nextAttemptAt: null,
  };
  await h.deps.deliveryStore.write([deliveryEntry(h.deps, t, parked)]);
  const resume = { kind: "endpoint.resume", org_id: ep.org_id, endpoint_id: ep.id };
  return { ep, t, resume };
}

describe("a resume run that fails", () => {
  it("schedules the next run, which resumes what is parked", async () => {
    const r = await h.receiver();
    const { ep, t, resume } = await parkedDelivery(r.url);
    const refused = failCalls(h.deps.sqs, "SendMessageBatchCommand", () => true);
    const before = Date.now();
    try {
      expect(await createMaintenanceHandler(h.deps)(resume)).toEqual({ done: "unchanged" });
    } finally {
      refused.restore();
    }
    const [next] = await scheduleEntriesWith(h.deps, ep.id);
    expect(JSON.parse(next!.body)).toMatchObject(resume);
    expect(Date.parse(next!.dueAt) - before).toBeGreaterThanOrEqual(RUN_RETRY_SECONDS * 1000);
    expect(await deliveryOf(h.deps, t)).toMatchObject({ status: "skipped" });

    expect(await fireSchedules(h.deps, new Date(Date.now() + 2 * RUN_RETRY_SECONDS * 1000))).toBe(1);
    await waitForDelivery(h.deps, t, "succeeded");
    expect(r.requests).toHaveLength(1);
  });

  it("fails the invocation only when the next run cannot be scheduled either", async () => {
    const r = await h.receiver();
    const { ep, t, resume } = await parkedDelivery(r.url);
    const refused = failCalls(h.deps.sqs, "SendMessageBatchCommand", () => true);
    const unscheduled = failCalls(h.deps.db.doc, "PutItemCommand", () => true);
    try {
      await expect(createMaintenanceHandler(h.deps)(resume)).rejects.toThrow(/SendMessageBatchCommand/);
    } finally {
      unscheduled.restore();
      refused.restore();
    }
    expect(await scheduleEntriesWith(h.deps, ep.id)).toEqual([]);
    expect(await deliveryOf(h.deps, t)).toMatchObject({ status: "skipped" });
  });
});

/** Retries of a new endpoint waiting in the table, due a second ago (as execute.ts writes them). */
async function waitingRetries(url: string, n: number) {
  const ep = await putEndpoint(h.deps, { url });
  const tasks = Array.from({ length: n }, (_, i) => taskFor(ep, { i }));
  for (const t of tasks) {
    await putMessageOf(h.deps, t);
    const retrying = {
      status: "retrying" as const,
      attempts: 2,
      lastStatusCode: 500,
      lastError: "HTTP 500",
      nextAttemptAt: new Date(Date.now() - 1_000),
    };
    await h.deps.deliveryStore.write([{ ...deliveryEntry(h.deps, t, retrying), waits: true }]);
  }
  const run = { kind: "endpoint.waiting", org_id: ep.org_id, endpoint_id: ep.id };
  return { ep, tasks, run };
}

describe("a waiting run that fails", () => {
  it("schedules the next run, which delivers each due retry once", async () => {
    const r = await h.receiver();
    const { ep, tasks, run } = await waitingRetries(r.url, 3);
    const refused = failCalls(h.deps.sqs, "SendMessageBatchCommand", () => true);
    const before = Date.now();
    try {
      expect(await createMaintenanceHandler(h.deps)(run)).toEqual({ done: "unchanged" });
    } finally {
      refused.restore();
    }
    const [next] = await scheduleEntriesWith(h.deps, ep.id);
    expect(JSON.parse(next!.body)).toEqual(run);
    expect(Date.parse(next!.dueAt) - before).toBeGreaterThanOrEqual(RUN_RETRY_SECONDS * 1000);
    for (const t of tasks) expect(await deliveryOf(h.deps, t)).toMatchObject({ status: "retrying" });

    expect(await fireSchedules(h.deps, new Date(Date.now() + 2 * RUN_RETRY_SECONDS * 1000))).toBe(1);
    for (const t of tasks)
      expect(await waitForDelivery(h.deps, t, "succeeded")).toMatchObject({ attempts: 3 });
    expect(new Set(r.requests.map((q) => q.headers["webhook-id"]))).toEqual(
      new Set(tasks.map((t) => t.msg_id)),
    );
    expect(r.requests).toHaveLength(3);
    expect(await scheduleEntriesWith(h.deps, ep.id)).toEqual([]);
  });
});
