/**
 * Tasks: the recovers and replays of the session's endpoints (GET /v1/tasks shows a session
 * only those), newest first, each with its progress, read again every two seconds while one
 * is still running.
 */
import type { Page, Task } from "../api.js";
import { type Ctx, link } from "../ctx.js";
import { fmtTime, h, pill } from "../dom.js";
import { taskProgress } from "./task-progress.js";

const POLL_MS = 2000;
const running = (t: Task) => t.status === "queued" || t.status === "running";

function row(t: Task, ctx: Ctx): HTMLElement {
  const ep = typeof t.params.endpoint_id === "string" ? t.params.endpoint_id : null;
  return h(
    "tr",
    { "data-task": t.id },
    h("td", {}, fmtTime(t.created_at)),
    h("td", {}, t.kind),
    h("td", {}, ep ? h("a", { href: "#", onclick: link(ctx, `/endpoints/${ep}`) }, ep) : "—"),
    h("td", {}, pill(t.status)),
    h(
      "td",
      {},
      taskProgress(t),
      t.error && t.status === "failed" ? h("div", { class: "small" }, t.error) : null,
    ),
  );
}

export async function tasksPage(body: HTMLElement, ctx: Ctx): Promise<void> {
  const rows = h("tbody", {});
  body.append(
    h("h1", {}, "Tasks"),
    h("p", { class: "muted" }, "Recoveries and replays started for your endpoints, with their progress."),
    h(
      "table",
      { class: "list" },
      h(
        "thead",
        {},
        h("tr", {}, ...["Started", "Kind", "Endpoint", "Status", "Progress"].map((x) => h("th", {}, x))),
      ),
      rows,
    ),
  );
  for (;;) {
    const page = await ctx.api.get<Page<Task>>("/tasks?limit=50");
    rows.replaceChildren(...page.data.map((t) => row(t, ctx)));
    if (page.data.length === 0)
      rows.append(h("tr", {}, h("td", { colspan: 5, class: "empty" }, "No tasks yet.")));
    if (!page.data.some(running)) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    if (!rows.isConnected) return;
  }
}
