/**
 * DLQ redrive as a tracked task (core/delivery/redrive-task.ts) on the local stack: DynamoDB
 * Local, the fauxqs SQS emulator, the delivery function and a real receiver. Only a platform
 * admin starts it; a dry run counts and moves nothing; a step that fails after its sends and
 * before deleting them from the DLQ is repeated by a later run, and no task reaches the receiver twice
 * (the copies it sends again carry the new run's claim, which the delivery function refuses).
 */
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { queueCounts } from "../../local/queues.js";
import { createTestOrg, type TestOrg } from "../support/api.js";
import { enqueue, putMessageOf, taskFor, waitForDelivery } from "../support/deliveries.js";
import { useHarness } from "../support/delivery.js";
import { putEndpoint } from "../support/endpoints.js";
import { interpose } from "../support/faults.js";
import { waitForEmptyQueue } from "../support/queues.js";
import { runWithRunner, type TaskRunner, taskRunner } from "../support/tasks.js";
import { waitFor } from "../support/wait.js";

// One step per run, so the watchdog's run is the one that resumes the killed step.
const h = useHarness({ TASK_RUN_SECONDS: "0.001" });

const runner = () => taskRunner(h.stack);
const runToEnd = (r: TaskRunner, org: TestOrg, id: string) => runWithRunner(r, org, id, 60_000);

/** How many messages a receive finds in the DLQ now (it hides none: visibility 0). */
async function peekDlq(): Promise<number> {
  const res = await h.deps.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: h.deps.config.queues.deliveryDlq,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 0,
    }),
  );
  return res.Messages?.length ?? 0;
}

const dlqCount = async () => (await queueCounts(h.deps.sqs, h.deps.config.queues.deliveryDlq)).visible;

describe("DLQ redrive as a tracked task", { timeout: 240_000 }, () => {
  it("platform admins only; a dry run moves nothing; a killed run resumes and delivers each task once", async () => {
    const platform = await createTestOrg(h.stack);
    h.deps.config.platformOrgId = platform.orgId;
    const tenant = await createTestOrg(h.stack);
    let healthy = false;
    const receiver = await h.receiver({ plan: () => ({ status: healthy ? 200 : 500 }) });
    const ep = await putEndpoint(h.deps, { org_id: tenant.orgId, url: receiver.url, max_retries: 0 });
    const tasks = [taskFor(ep), taskFor(ep), taskFor(ep)];
    for (const t of tasks) await putMessageOf(h.deps, t);
    await enqueue(h.deps, ...tasks);
    for (const t of tasks) await waitForDelivery(h.deps, t, "failed");
    await waitFor(async () => (await dlqCount()) === 3, { what: "3 tasks in the DLQ" });

    // The DLQ holds every tenant's tasks: a tenant's admin may not redrive it.
    const refused = await tenant.request("POST", "/v1/dlq/redrive", {});
    expect(refused.status).toBe(403);
    expect((await platform.request("POST", "/v1/dlq/redrive", { max: 0 })).status).toBe(400);

    const r = runner();
    const dry = await platform.request("POST", "/v1/dlq/redrive", { endpoint_id: ep.id, dry_run: true });
    expect(dry.status).toBe(202);
    expect(await runToEnd(r, platform, dry.body.task_id)).toMatchObject({
      kind: "dlq_redrive",
      status: "succeeded",
      total: 3,
      done: 3,
    });
    expect(await dlqCount()).toBe(3);

    healthy = true;
    const started = await platform.request("POST", "/v1/dlq/redrive", { org_id: tenant.orgId });
    expect(started.body).toEqual({ task_id: expect.stringMatching(/^task_/), status: "queued" });
    // The run sends the three to the delivery queue, then fails to delete them from the DLQ: the
    // step is repeated by a later run (after a backoff), as after a crash.
    const crash = interpose(r.deps.sqs, (call) =>
      call.command === "DeleteMessageBatchCommand" && call.input.QueueUrl === h.deps.config.queues.deliveryDlq
        ? Promise.reject(new Error("function killed"))
        : undefined,
    );
    await r.fire();
    crash.restore();
    expect((await platform.request("GET", `/v1/tasks/${started.body.task_id}`)).body).toMatchObject({
      status: "running",
      done: 0,
      error: expect.stringContaining("function killed"),
    });
    await waitFor(() => receiver.requests.length >= 3 + 3 || undefined, {
      what: "the first copies delivered",
    });
    // Their hold (30 s) ends: back in the DLQ. The backoff ends: a later run repeats the step.
    await waitFor(async () => (await peekDlq()) === 3, {
      what: "the held copies visible again",
      timeoutMs: 90_000,
    });
    r.advance(130_000);
    const done = await runToEnd(r, platform, started.body.task_id);
    expect(done).toMatchObject({ status: "succeeded", done: 3, failed: 0 });
    expect(await dlqCount()).toBe(0);
    await waitForEmptyQueue(h.deps.sqs, h.deps.config.queues.delivery, 120_000);
    // Three failed attempts, then each task delivered once: the resumed run's copies were dropped.
    const delivered = receiver.requests.slice(3).map((q) => String(q.headers["webhook-id"]));
    expect(delivered.sort()).toEqual(tasks.map((t) => t.msg_id).sort());
    for (const t of tasks) await waitForDelivery(h.deps, t, "succeeded");
  });
});
