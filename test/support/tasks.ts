/**
 * Runs a tracked task to its end in-process: fires the local scheduler's due entries (the
 * task's runs, as the scheduled-work function would) until the task has finished, and
 * returns it as `GET /v1/tasks/{id}` shows it.
 */
import { expect } from "vitest";
import type { Deps } from "../../core/all-deps.js";
import { createDeps } from "../../core/compose.js";
import { createScheduledHandler } from "../../core/scheduled/index.js";
import { fireDueSchedules } from "../../core/scheduler/index.js";
import type { JsonBody, TestOrg } from "./api.js";
import { fireSchedules } from "./delivery.js";
import { type Fault, interpose } from "./faults.js";
import type { TestStack } from "./stack.js";
import { waitFor } from "./wait.js";

export function runTaskToEnd(deps: Deps, org: TestOrg, id: string, timeoutMs = 60_000): Promise<JsonBody> {
  return waitFor(
    async () => {
      await fireSchedules(deps, new Date());
      const task = (await org.request("GET", `/v1/tasks/${id}`)).body;
      return task?.finished_at ? task : undefined;
    },
    { what: `task ${id} to finish`, timeoutMs },
  );
}

/**
 * The scheduled-work function on its own clock, ahead of the real one by what `advance` adds
 * (the watchdog needs a lease to end): `fire` makes the runs that are due by that clock.
 */
export function taskRunner(stack: Pick<TestStack, "config">) {
  let ahead = 0;
  const now = () => new Date(Date.now() + ahead);
  const deps = createDeps(stack.config, { now });
  const handler = createScheduledHandler(deps);
  return {
    deps,
    advance: (ms: number) => {
      ahead += ms;
    },
    fire: () => fireDueSchedules(deps, now(), handler),
  };
}
export type TaskRunner = ReturnType<typeof taskRunner>;

/** Fires the runner until the task has finished; returns it as the API shows it. */
export function runWithRunner(
  r: TaskRunner,
  org: TestOrg,
  id: string,
  timeoutMs = 120_000,
): Promise<JsonBody> {
  return waitFor(
    async () => {
      await r.fire();
      const t = (await org.request("GET", `/v1/tasks/${id}`)).body;
      return t?.finished_at ? t : undefined;
    },
    { what: `task ${id} to end`, timeoutMs },
  );
}

/** A step's save, failing as if the function were killed after the step's work. */
const killSave: Fault = (call) =>
  call.command === "UpdateItemCommand" && String(call.input.UpdateExpression).includes("#done = #done")
    ? Promise.reject(new Error("function killed"))
    : undefined;

/**
 * One firing of a task's run that does its step, then dies before saving it (the crash the
 * runner must survive): the firing rejects so, and the table is whole again afterwards.
 */
export async function fireKilledAtSave(doc: unknown, fire: () => Promise<unknown>): Promise<void> {
  const crash = interpose(doc, killSave);
  try {
    await expect(fire()).rejects.toThrow("function killed");
  } finally {
    crash.restore();
  }
}
