/**
 * hookrelay tasks list|get|cancel: tracked tasks (replays, recovers, redrives), and `--wait`,
 * which follows a task until it ends with a progress bar on stderr (stdout keeps the result).
 */
import { type HookrelayClient, type Schemas, unwrap } from "../client.js";
import { arg, type Command, type Context, pageOptions, pageQuery } from "./command.js";
import { details, pageTable } from "./output.js";

type Task = Schemas["Task"];

const FINISHED = new Set(["succeeded", "failed", "canceled"]);
/** How often `--wait` reads the task again. */
const POLL_MS = 1000;

/** `[#####.....] 50% 10/20 (1 failed)`: the task's progress as one line. */
export function progressBar(task: Pick<Task, "total" | "done" | "failed" | "status">, width = 30): string {
  const handled = task.done + task.failed;
  const failed = task.failed > 0 ? ` (${task.failed} failed)` : "";
  if (task.total === null) return `${task.status}: ${handled} so far${failed}`;
  const share = task.total === 0 ? 1 : Math.min(1, handled / task.total);
  const filled = Math.round(share * width);
  const bar = `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
  return `${bar} ${Math.round(share * 100)}% ${handled}/${task.total}${failed}`;
}

/** Reads the task until it has ended, reporting each change of its progress. */
export async function waitForTask(
  client: HookrelayClient,
  id: string,
  report: (task: Task) => void,
  pollMs = POLL_MS,
): Promise<Task> {
  let last = "";
  for (;;) {
    const task = await unwrap(client.GET("/v1/tasks/{id}", { params: { path: { id } } }));
    const line = progressBar(task);
    if (line !== last) report(task);
    last = line;
    if (FINISHED.has(task.status)) return task;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** Prints the task (after following it to its end with `--wait`). */
export async function showTask(ctx: Context, id: string): Promise<void> {
  const task = ctx.flags.wait
    ? await waitForTask(ctx.client(), id, (t) => ctx.out.progress(progressBar(t)))
    : await unwrap(ctx.client().GET("/v1/tasks/{id}", { params: { path: { id } } }));
  ctx.out.result(task, () => details(task));
}

/** A task just started: followed to its end with `--wait`, else its id and how to follow it. */
export async function startedTask(ctx: Context, taskId: string): Promise<void> {
  if (ctx.flags.wait) return showTask(ctx, taskId);
  ctx.out.result(
    { task_id: taskId, status: "queued" },
    () => `started ${taskId}: hookrelay tasks get ${taskId} --wait`,
  );
}

export const tasksCommands: Record<string, Command> = {
  "tasks list": {
    usage: "[--limit N] [--cursor C]",
    options: pageOptions,
    async run(ctx) {
      const page = await unwrap(ctx.client().GET("/v1/tasks", { params: { query: pageQuery(ctx) } }));
      ctx.out.result(page, () =>
        pageTable(page, ["id", "kind", "status", "total", "done", "failed", "created_at", "finished_at"]),
      );
    },
  },
  "tasks get": {
    usage: "<task_id> [--wait]",
    options: { wait: { type: "boolean" } },
    run: (ctx) => showTask(ctx, arg(ctx, 0, "task id")),
  },
  "tasks cancel": {
    usage: "<task_id>",
    async run(ctx) {
      const id = arg(ctx, 0, "task id");
      const task = await unwrap(ctx.client().DELETE("/v1/tasks/{id}", { params: { path: { id } } }));
      ctx.out.result(task, () => details(task));
    },
  },
};
