/**
 * Replay: send an endpoint's deliveries of a time window again, as a tracked task (POST
 * /v1/webhook-endpoints/{id}/replay, docs/recovery.md "Replay"): the failed ones, those missed
 * while it was disabled (skipped), or every event meant for it. Its progress shows here and on
 * the Tasks page.
 */
import type { Endpoint } from "../api.js";
import { type Ctx, link } from "../ctx.js";
import { card, h, hint } from "../dom.js";
import { localInput } from "./recover.js";
import { isoOf, taskButton } from "./task-progress.js";

const STATUSES = [
  ["failed", "Failed and abandoned deliveries"],
  ["skipped", "Missed while disabled (skipped)"],
  ["all", "Every event meant for this endpoint"],
] as const;

export function replaySection(ep: Endpoint, ctx: Ctx): HTMLElement {
  const since = h("input", {
    type: "datetime-local",
    name: "replay-since",
    value: localInput(new Date(Date.now() - 24 * 3600_000)),
    "aria-label": "Replay since",
  });
  // Empty: until the task starts.
  const until = h("input", { type: "datetime-local", name: "replay-until", "aria-label": "Replay until" });
  const status = h(
    "select",
    { name: "replay-status", "aria-label": "Replay which deliveries" },
    ...STATUSES.map(([value, label]) => h("option", { value }, label)),
  );
  const out = h("div", { "data-testid": "replay-result" });
  const start = async () =>
    (
      await ctx.api.post<{ task_id: string }>(`/webhook-endpoints/${ep.id}/replay`, {
        since: isoOf(since, "Replay since"),
        ...(until.value ? { until: isoOf(until, "Replay until") } : {}),
        status: status.value,
      })
    ).task_id;
  const tasksLink = () => [h("a", { href: "#", onclick: link(ctx, "/tasks") }, "See it on the Tasks page")];
  const button = taskButton(ctx, "Replay", out, start, replaySummary, tasksLink);
  return card(
    "Replay",
    {},
    hint(
      "Send this endpoint's deliveries of a time window again: the failed ones, those missed while it was disabled, or every event. Until is optional (now).",
    ),
    h("div", { class: "row" }, since, until, status, button),
    out,
  );
}

function replaySummary(t: { done: number; failed: number }): string {
  const n = t.done;
  return `${n} deliver${n === 1 ? "y" : "ies"} replayed${t.failed ? `, ${t.failed} too old to send` : ""}.`;
}
