/**
 * Replay and recover as tracked tasks (core/delivery/replay.ts, recover-task.ts) on the local stack: the API starts it
 * (202 {task_id}), the scheduled-work handler runs it page by page, the delivery function
 * sends to a real receiver. A crash of a run in the middle is resumed by the watchdog, and no
 * event reaches the receiver twice: the resumed run sends its step again, and the delivery
 * function drops the copies its claims refuse.
 */
import { describe, expect, it } from "vitest";
import type { Deps } from "../../core/all-deps.js";
import { mapLimit } from "../../core/lib/index.js";
import { newId } from "../../core/model/ids.js";
import type { DeliveryTask } from "../../core/model/task.js";
import { createTestOrg } from "../support/api.js";
import { putMessageOf, taskFor } from "../support/deliveries.js";
import { useHarness } from "../support/delivery.js";
import { putEndpoint } from "../support/endpoints.js";
import { waitForEmptyQueue } from "../support/queues.js";
import { fireKilledAtSave, runWithRunner, type TaskRunner, taskRunner } from "../support/tasks.js";
import { waitFor } from "../support/wait.js";

// One step per run: every page is a run of its own, so a crash can land between two of them.
const h = useHarness({ TASK_RUN_SECONDS: "0.001" });

/** `n` events of the endpoint whose deliveries failed (or were parked: `skipped`) at `at`. */
async function deliveriesIn(
  deps: Deps,
  ep: { org_id: string; id: string },
  n: number,
  status: "failed" | "skipped",
  at: Date,
) {
  const tasks = Array.from({ length: n }, (_, i) =>
    taskFor(ep, { i }, i % 2 ? "call.ended" : "call.started"),
  );
  await mapLimit(tasks, 16, (t) => putMessageOf(deps, t));
  const delivery = (t: DeliveryTask) => ({
    org_id: t.org_id,
    msg_id: t.msg_id,
    endpoint_id: t.endpoint_id,
    event_type: t.event_type,
    status,
    attempts: status === "failed" ? 1 : 0,
    last_status_code: status === "failed" ? 503 : null,
    last_error: status === "failed" ? "HTTP 503" : null,
    next_attempt_at: null,
    created_at: t.created_at,
    updated_at: at.toISOString(),
  });
  await deps.deliveryStore.write(tasks.map((t) => ({ id: newId("att", at), delivery: delivery(t) })));
  return tasks;
}

const runner = () => taskRunner(h.stack);
const runToEnd = (r: TaskRunner, org: Awaited<ReturnType<typeof createTestOrg>>, id: string) =>
  runWithRunner(r, org, id);

const ids = (requests: { headers: Record<string, unknown> }[]) =>
  requests.map((r) => String(r.headers["webhook-id"]));

describe("replay as a tracked task", { timeout: 240_000 }, () => {
  it("replays 450 failed deliveries through a crashed run, each exactly once", async () => {
    const org = await createTestOrg(h.stack);
    const receiver = await h.receiver();
    const ep = await putEndpoint(h.deps, { org_id: org.orgId, url: receiver.url });
    const failedAt = new Date(Date.now() - 60_000);
    const tasks = await deliveriesIn(h.deps, ep, 450, "failed", failedAt);

    const started = await org.request("POST", `/v1/webhook-endpoints/${ep.id}/replay`, {
      since: new Date(failedAt.getTime() - 1000).toISOString(),
    });
    expect(started.status).toBe(202);
    expect(started.body).toEqual({ task_id: expect.stringMatching(/^task_/), status: "queued" });
    const taskId = started.body.task_id as string;

    const r = runner();
    await r.fire(); // counts
    expect((await org.request("GET", `/v1/tasks/${taskId}`)).body).toMatchObject({
      kind: "replay",
      status: "running",
      total: 450,
      done: 0,
    });
    await r.fire(); // 200
    // The next run sends its page, then dies before saving it.
    await fireKilledAtSave(r.deps.db.doc, () => r.fire());
    r.advance(130_000); // the lease ends: the watchdog resumes the task
    await runToEnd(r, org, taskId);
    const done = (await org.request("GET", `/v1/tasks/${taskId}`)).body;
    expect(done).toMatchObject({ total: 450, done: 450, failed: 0, error: null });

    await waitFor(() => new Set(ids(receiver.requests)).size === 450 || undefined, {
      what: "450 distinct events at the receiver",
      timeoutMs: 120_000,
    });
    await waitForEmptyQueue(h.deps.sqs, h.stack.config.queues.delivery, 120_000);
    expect(ids(receiver.requests).sort()).toEqual(tasks.map((t) => t.msg_id).sort());
    // Replayed deliveries left the recovery index: a second replay of the window has nothing to do.
    const again = await org.request("POST", `/v1/webhook-endpoints/${ep.id}/replay`, {
      since: new Date(failedAt.getTime() - 1000).toISOString(),
    });
    await runToEnd(r, org, again.body.task_id);
    expect((await org.request("GET", `/v1/tasks/${again.body.task_id}`)).body).toMatchObject({
      total: 0,
      done: 0,
    });
  });

  it("recover is a task too: failed and parked deliveries through a crashed run, each exactly once, trigger recover", async () => {
    const org = await createTestOrg(h.stack);
    const receiver = await h.receiver();
    const ep = await putEndpoint(h.deps, { org_id: org.orgId, url: receiver.url });
    const at = new Date(Date.now() - 60_000);
    const failed = await deliveriesIn(h.deps, ep, 250, "failed", at);
    const parked = await deliveriesIn(h.deps, ep, 50, "skipped", at);
    const since = new Date(at.getTime() - 1000).toISOString();

    const started = await org.request("POST", `/v1/webhook-endpoints/${ep.id}/recover`, { since });
    expect(started.status).toBe(202);
    expect(started.body).toEqual({ task_id: expect.stringMatching(/^task_/), status: "queued" });
    const taskId = started.body.task_id as string;
    const listed = (await org.request("GET", "/v1/tasks")).body.data.map((t: { id: string }) => t.id);
    expect(listed).toContain(taskId);

    const r = runner();
    await r.fire(); // counts
    expect((await org.request("GET", `/v1/tasks/${taskId}`)).body).toMatchObject({
      kind: "recover",
      status: "running",
      total: 300,
      done: 0,
    });
    // The next run sends its page, then dies before saving it.
    await fireKilledAtSave(r.deps.db.doc, () => r.fire());
    r.advance(130_000); // the lease ends: the watchdog resumes the task
    await runToEnd(r, org, taskId);
    expect((await org.request("GET", `/v1/tasks/${taskId}`)).body).toMatchObject({
      status: "succeeded",
      total: 300,
      done: 300,
      failed: 0,
    });

    const all = [...failed, ...parked].map((t) => t.msg_id).sort();
    await waitFor(() => new Set(ids(receiver.requests)).size === 300 || undefined, {
      what: "300 distinct events at the receiver",
      timeoutMs: 120_000,
    });
    await waitForEmptyQueue(h.deps.sqs, h.stack.config.queues.delivery, 120_000);
    expect(ids(receiver.requests).sort()).toEqual(all);
    const log = await org.request("GET", `/v1/webhook-endpoints/${ep.id}/attempts?limit=5`);
    expect(new Set(log.body.data.map((a: { trigger: string }) => a.trigger))).toEqual(new Set(["recover"]));
  });

  it("replays what was missed while disabled (status skipped) of some types only; refuses a disabled endpoint and bad input", async () => {
    const org = await createTestOrg(h.stack);
    const receiver = await h.receiver();
    const ep = await putEndpoint(h.deps, { org_id: org.orgId, url: receiver.url });
    const parkedAt = new Date(Date.now() - 60_000);
    const tasks = await deliveriesIn(h.deps, ep, 10, "skipped", parkedAt);
    const since = new Date(parkedAt.getTime() - 1000).toISOString();

    const bad = await org.request("POST", `/v1/webhook-endpoints/${ep.id}/replay`, { since, status: "lost" });
    expect(bad.status).toBe(400);
    const backwards = await org.request("POST", `/v1/webhook-endpoints/${ep.id}/replay`, {
      since,
      until: since,
    });
    expect(backwards.status).toBe(400);
    const other = await createTestOrg(h.stack);
    expect((await other.request("POST", `/v1/webhook-endpoints/${ep.id}/replay`, { since })).status).toBe(
      404,
    );

    const started = await org.request("POST", `/v1/webhook-endpoints/${ep.id}/replay`, {
      since,
      status: "skipped",
      event_types: ["call.ended"],
    });
    expect(started.status).toBe(202);
    const r = runner();
    await runToEnd(r, org, started.body.task_id);
    expect((await org.request("GET", `/v1/tasks/${started.body.task_id}`)).body).toMatchObject({
      total: 5,
      done: 5,
    });
    const ended = tasks.filter((t) => t.event_type === "call.ended").map((t) => t.msg_id);
    await waitFor(() => new Set(ids(receiver.requests)).size === 5 || undefined, {
      what: "5 events delivered",
    });
    expect(ids(receiver.requests).sort()).toEqual(ended.sort());

    const disabled = await org.request("PATCH", `/v1/webhook-endpoints/${ep.id}`, { status: "disabled" });
    expect(disabled.status).toBe(200);
    const refused = await org.request("POST", `/v1/webhook-endpoints/${ep.id}/replay`, { since });
    expect(refused.status).toBe(409);
  });
});
