/** Recover: re-send every failed delivery of an endpoint since a time, as a tracked task. */
import type { Endpoint } from "../api.js";
import type { Ctx } from "../ctx.js";
import { card, h, hint } from "../dom.js";
import { isoOf, taskButton } from "./task-progress.js";

/** A datetime-local input's value for a time (the browser's zone). */
export function localInput(at: Date): string {
  return new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

export function recoverSection(ep: Endpoint, ctx: Ctx): HTMLElement {
  // The start of the current run of failures is the natural "since"; else a day ago.
  const dayAgo = new Date(ep.first_failure_at ? Date.parse(ep.first_failure_at) : Date.now() - 24 * 3600_000);
  const since = h("input", {
    type: "datetime-local",
    name: "since",
    value: localInput(dayAgo),
    "aria-label": "Since",
  });
  const out = h("div", { "data-testid": "recover-result" });
  const start = async () =>
    (
      await ctx.api.post<{ task_id: string }>(`/webhook-endpoints/${ep.id}/recover`, {
        since: isoOf(since, "Since"),
      })
    ).task_id;
  const button = taskButton(ctx, "Recover failed messages", out, start, recoverSummary);
  return card(
    "Recover",
    {},
    hint(
      "Re-send every failed, skipped or abandoned delivery to this endpoint since a time, for example after fixing an outage.",
    ),
    h("div", { class: "row" }, since, button),
    out,
  );
}

function recoverSummary(t: { done: number; failed: number }): string {
  const n = t.done;
  return `${n} deliver${n === 1 ? "y" : "ies"} re-sent${t.failed ? `, ${t.failed} too old to re-send` : ""}.`;
}
