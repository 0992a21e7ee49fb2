/**
 * Runs a tracked task to its end in-process: fires the local scheduler's due entries (the
 * task's runs, as the scheduled-work function would) until the task has finished, and
 * returns it as `GET /v1/tasks/{id}` shows it.
 */
import type { Deps } from "../../core/deps.js";
import type { JsonBody, TestOrg } from "./api.js";
import { fireSchedules } from "./delivery.js";
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
