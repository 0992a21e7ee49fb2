/** What a due entry does, whichever scheduler holds it: its body goes to its queue, or to the maintenance function. */
import type { ScheduleEntry, TaskQueue } from "../model/index.js";

/** Runs a `maintenance` entry; locally that is the scheduled-work handler called in-process. */
export type MaintenanceRunner = (event: unknown) => Promise<unknown>;

export async function fireEntry(
  queue: Pick<TaskQueue, "send">,
  entry: Pick<ScheduleEntry, "name" | "target" | "body">,
  runMaintenance: MaintenanceRunner,
  delaySeconds = 0,
): Promise<void> {
  if (entry.target === "maintenance") {
    await runMaintenance(JSON.parse(entry.body));
    return;
  }
  await sendEntry(queue, { ...entry, target: entry.target }, delaySeconds);
}

/** Puts a queue entry's body on its queue (after `delaySeconds`); throws when the queue refused it. */
export async function sendEntry(
  queue: Pick<TaskQueue, "send">,
  entry: Pick<ScheduleEntry, "name" | "body"> & { target: Exclude<ScheduleEntry["target"], "maintenance"> },
  delaySeconds = 0,
): Promise<void> {
  const report = await queue.send(entry.target, [{ id: entry.name, body: entry.body, delaySeconds }]);
  if (report.failed.length > 0) {
    throw report.error ?? new Error(`the ${entry.target} queue refused schedule ${entry.name}`);
  }
}
