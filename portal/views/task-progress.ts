/**
 * A tracked task's progress (a recover, a replay): a progress bar and a line, read again every
 * second until the task ends (docs/tasks.md), then what the caller makes of the result.
 */
import { ApiFailure, type Task } from "../api.js";
import type { Ctx } from "../ctx.js";
import { h, notice } from "../dom.js";

const FINISHED = new Set(["succeeded", "failed", "canceled"]);
/** How often a running task is read again. */
const POLL_MS = 1000;

/** `120 of 300 handled (2 failed)`, or `queued` before the task has counted its items. */
export function taskLine(t: Task): string {
  const handled = t.done + t.failed;
  const failed = t.failed > 0 ? ` (${t.failed} failed)` : "";
  if (t.total === null) return t.status === "queued" ? "Queued…" : `${handled} handled so far${failed}`;
  return `${handled} of ${t.total} handled${failed}`;
}

/** The bar and its line (a `<progress>` without value while the total is unknown). */
export function taskProgress(t: Task): HTMLElement {
  const bar = h("progress", {
    max: String(Math.max(1, t.total ?? 1)),
    "aria-label": `Task ${t.kind} progress`,
    ...(t.total === null ? {} : { value: String(t.done + t.failed) }),
  });
  return h(
    "div",
    { class: "task-progress", "data-task": t.id, "data-status": t.status },
    bar,
    " ",
    taskLine(t),
  );
}

/** The ended task as a notice: `succeeded` says what `summary` makes of it, otherwise why it stopped. */
export function taskOutcome(t: Task, summary: (t: Task) => string): HTMLElement {
  if (t.status === "succeeded") return notice("ok", summary(t));
  if (t.status === "canceled") return notice("info", `Canceled after ${t.done} of ${t.total ?? "?"}.`);
  return notice("error", `Failed: ${t.error ?? "unknown error"} (${t.done} done before).`);
}

/**
 * Shows the task's progress in `out` until it ends (or `out` leaves the page), then its outcome.
 * Returns the ended task, or undefined when the view was left first.
 */
export async function followTask(
  ctx: Ctx,
  id: string,
  out: HTMLElement,
  summary: (t: Task) => string,
): Promise<Task | undefined> {
  for (;;) {
    const t = await ctx.api.get<Task>(`/tasks/${encodeURIComponent(id)}`);
    if (FINISHED.has(t.status)) {
      out.replaceChildren(taskOutcome(t, summary), taskProgress(t));
      return t;
    }
    out.replaceChildren(taskProgress(t));
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    if (!out.isConnected) return undefined;
  }
}

/** A form value the task cannot start with (an empty time): shown as the API's refusals are, nothing sent. */
export class InputProblem extends Error {}

/** A datetime-local input's value as an ISO time; empty or invalid: an `InputProblem` naming the field. */
export function isoOf(input: HTMLInputElement, what: string): string {
  const at = new Date(input.value);
  if (Number.isNaN(at.getTime())) throw new InputProblem(`Choose a date and time for "${what}".`);
  return at.toISOString();
}

/**
 * A button that starts a task (`start` answers its id) and follows it in `out`, with `after`
 * below the progress (a link to the Tasks page); a refusal of the API, or of the form
 * (`InputProblem`), shows its message there.
 */
export function taskButton(
  ctx: Ctx,
  label: string,
  out: HTMLElement,
  start: () => Promise<string>,
  summary: (t: Task) => string,
  after: () => Node[] = () => [],
): HTMLButtonElement {
  const button = h("button", { type: "button" }, label);
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const id = await start();
      const progress = h("div", {});
      out.replaceChildren(progress, ...after());
      await followTask(ctx, id, progress, summary);
    } catch (err) {
      if (err instanceof InputProblem) out.replaceChildren(notice("error", err.message));
      else if (err instanceof ApiFailure) out.replaceChildren(notice("error", err.error.message));
      else throw err;
    } finally {
      button.disabled = false;
    }
  });
  return button;
}
