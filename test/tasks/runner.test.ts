/**
 * The tracked-task runner (core/tasks) on DynamoDB Local and the local scheduler, with a test
 * kind that counts items and claims each one for its run: a task runs to the end over several
 * runs, is resumed after a crashed run without an item acting twice, stops when canceled,
 * retries a failing step and then fails, and is read through /v1/tasks, scoped to its organization.
 */

import { beforeAll, describe, expect, it } from "vitest";
import * as z from "zod";
import type { Deps } from "../../core/all-deps.js";
import { createDeps } from "../../core/compose.js";
import { createScheduledHandler } from "../../core/scheduled/index.js";
import { fireDueSchedules } from "../../core/scheduler/index.js";
import { startTask, type TaskKind } from "../../core/tasks/index.js";
import { callApp, createTestOrg } from "../support/api.js";
import { answerLost } from "../support/faults.js";
import { createTestStack, type TestStack, uniqueOrg } from "../support/stack.js";
import { fireKilledAtSave } from "../support/tasks.js";

let stack: TestStack;
let deps: Deps;
let clock = Date.parse("2026-03-01T00:00:00Z");
/** Each item's acts: an item acts when its run's claim holds (what a replay sends). */
const acted = new Map<string, number>();
let failNextSteps = 0;

const counter: TaskKind<{ n: number }> = {
  params: z.object({ n: z.number().int().positive() }),
  async step(d, { org, taskId, run, params, cursor }) {
    if (failNextSteps > 0) {
      failNextSteps--;
      throw new Error("the source is unavailable");
    }
    const from = Number(cursor ?? 0);
    const to = Math.min(params.n, from + 3);
    for (let i = from; i < to; i++) {
      if (await d.taskStore.claimItem(org, taskId, String(i), run, d.now())) {
        acted.set(`${taskId}/${i}`, (acted.get(`${taskId}/${i}`) ?? 0) + 1);
      }
    }
    return { cursor: String(to), done: to - from, failed: 0, total: params.n, finished: to >= params.n };
  },
};

const fire = () => fireDueSchedules(deps, new Date(clock), createScheduledHandler(deps, { counter }));

async function runUntilIdle(): Promise<void> {
  while ((await fire()) > 0);
}

beforeAll(async () => {
  // One step per run (TASK_RUN_SECONDS tiny): every step of a task is a run of its own.
  stack = await createTestStack({ TASK_RUN_SECONDS: "0.001", TASK_LEASE_SECONDS: "120" });
  deps = createDeps(stack.config, { now: () => new Date(clock) });
});

describe("tracked tasks", () => {
  it("runs a task to the end over several runs and shows its progress", async () => {
    const org = await createTestOrg({ ...stack, deps });
    const task = await startTask(deps, { org: org.orgId, kind: "counter", params: { n: 10 } });
    const queued = await org.request("GET", `/v1/tasks/${task.id}`);
    expect(queued.status).toBe(200);
    expect(queued.body).toMatchObject({
      id: task.id,
      kind: "counter",
      status: "queued",
      total: null,
      done: 0,
    });

    await fire(); // the first run: one step, then it hands over
    const running = await org.request("GET", `/v1/tasks/${task.id}`);
    expect(running.body).toMatchObject({ status: "running", total: 10, done: 3, finished_at: null });
    expect(running.body.started_at).toEqual(expect.any(String));

    await runUntilIdle();
    const done = await org.request("GET", `/v1/tasks/${task.id}`);
    expect(done.body).toMatchObject({ status: "succeeded", total: 10, done: 10, failed: 0, error: null });
    expect(done.body.finished_at).toEqual(expect.any(String));
    expect([...Array(10).keys()].map((i) => acted.get(`${task.id}/${i}`))).toEqual(Array(10).fill(1));
  });

  it("resumes a crashed run from its last saved step, and no item acts twice", async () => {
    const org = uniqueOrg();
    const task = await startTask(deps, { org, kind: "counter", params: { n: 9 } });
    await fire(); // run 1: items 0-2 saved
    // Run 2 does its step (items 3-5 act), then dies before saving it.
    await fireKilledAtSave(deps.db.doc, fire);
    expect(await deps.taskStore.get(org, task.id)).toMatchObject({ status: "running", done: 3, run: 2 });
    // Nothing runs it before its lease has ended; the watchdog does, after.
    await runUntilIdle();
    expect((await deps.taskStore.get(org, task.id))?.done).toBe(3);
    clock += 130_000;
    await runUntilIdle();
    expect(await deps.taskStore.get(org, task.id)).toMatchObject({ status: "succeeded", done: 9 });
    // Items 3-5 were acted by run 2; run 3 repeated the step and its claims were refused.
    expect([...Array(9).keys()].map((i) => acted.get(`${task.id}/${i}`))).toEqual(Array(9).fill(1));
  });

  it("a run whose claim was applied and its answer lost (the SDK's retry refused on it) runs the task: it is not left held with no run to come", async () => {
    const org = uniqueOrg();
    const task = await startTask(deps, { org, kind: "counter", params: { n: 6 } });
    const lost = answerLost(
      deps.db.doc,
      ({ command, input }) =>
        command === "UpdateItemCommand" &&
        String(input.UpdateExpression).startsWith("SET #status = :running"),
    );
    await fire();
    lost.restore();
    expect(lost.count()).toBe(1);
    // Before: the run read the task as another run's and ended, with no watchdog scheduled: the
    // task stayed running with nothing due for it, past its lease too.
    await runUntilIdle();
    clock += 130_000;
    await runUntilIdle();
    expect(await deps.taskStore.get(org, task.id)).toMatchObject({ status: "succeeded", done: 6 });
    expect([...Array(6).keys()].map((i) => acted.get(`${task.id}/${i}`))).toEqual(Array(6).fill(1));
  });

  it("stops a canceled task; a second cancel is a 409", async () => {
    const org = await createTestOrg({ ...stack, deps });
    const task = await startTask(deps, { org: org.orgId, kind: "counter", params: { n: 30 } });
    await fire();
    const canceled = await org.request("DELETE", `/v1/tasks/${task.id}`);
    expect(canceled.status).toBe(200);
    expect(canceled.body).toMatchObject({ status: "canceled", done: 3 });
    await runUntilIdle();
    expect(await deps.taskStore.get(org.orgId, task.id)).toMatchObject({ status: "canceled", done: 3 });
    const again = await org.request("DELETE", `/v1/tasks/${task.id}`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("task_finished");
  });

  it("retries a failing step after a backoff, then fails the task after five in a row", async () => {
    const org = uniqueOrg();
    const retried = await startTask(deps, { org, kind: "counter", params: { n: 3 } });
    failNextSteps = 1;
    await fire();
    expect(await deps.taskStore.get(org, retried.id)).toMatchObject({
      status: "running",
      errors: 1,
      error: "the source is unavailable",
    });
    clock += 15_000;
    await runUntilIdle();
    expect(await deps.taskStore.get(org, retried.id)).toMatchObject({ status: "succeeded", done: 3 });

    const doomed = await startTask(deps, { org, kind: "counter", params: { n: 3 } });
    failNextSteps = 5;
    for (let i = 0; i < 5; i++) {
      await runUntilIdle();
      clock += 200_000;
    }
    expect(await deps.taskStore.get(org, doomed.id)).toMatchObject({
      status: "failed",
      done: 0,
      error: "the source is unavailable",
    });
    expect((await deps.taskStore.get(org, doomed.id))?.finished_at).toEqual(expect.any(String));
  });

  it("fails a task of a kind it does not know", async () => {
    const org = uniqueOrg();
    const task = await startTask(deps, { org, kind: "nonesuch", params: {} });
    await runUntilIdle();
    expect(await deps.taskStore.get(org, task.id)).toMatchObject({
      status: "failed",
      error: "unknown task kind nonesuch",
    });
  });

  it("lists an organization's tasks newest first; another organization sees none of them", async () => {
    const org = await createTestOrg({ ...stack, deps });
    const first = await startTask(deps, { org: org.orgId, kind: "counter", params: { n: 1 } });
    clock += 1000;
    const second = await startTask(deps, { org: org.orgId, kind: "counter", params: { n: 1 } });
    const page1 = await org.request("GET", "/v1/tasks?limit=1");
    expect(page1.status).toBe(200);
    expect(page1.body.data.map((t: { id: string }) => t.id)).toEqual([second.id]);
    const page2 = await org.request("GET", `/v1/tasks?limit=1&cursor=${page1.body.next_cursor}`);
    expect(page2.body.data.map((t: { id: string }) => t.id)).toEqual([first.id]);
    expect(page2.body.next_cursor).toBeNull();

    const other = await createTestOrg({ ...stack, deps });
    expect((await other.request("GET", `/v1/tasks/${first.id}`)).status).toBe(404);
    expect((await other.request("DELETE", `/v1/tasks/${first.id}`)).status).toBe(404);
    expect((await other.request("GET", "/v1/tasks")).body.data).toEqual([]);
    // A forged cursor into the first organization's partition is refused.
    const forged = await other.request("GET", `/v1/tasks?cursor=${page1.body.next_cursor}`);
    expect(forged.status).toBe(400);
    expect((await callApp(org.app, "GET", "/v1/tasks")).status).toBe(401);
  });
});
