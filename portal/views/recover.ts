/** Recover: re-send every failed delivery of an endpoint since a time. */
import { ApiFailure, type Endpoint } from "../api.js";
import type { Ctx } from "../ctx.js";
import { card, h, hint, notice } from "../dom.js";

export function recoverSection(ep: Endpoint, ctx: Ctx): HTMLElement {
  // The start of the current run of failures is the natural "since"; else a day ago.
  const dayAgo = new Date(ep.first_failure_at ? Date.parse(ep.first_failure_at) : Date.now() - 24 * 3600_000);
  const local = new Date(dayAgo.getTime() - dayAgo.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  const since = h("input", { type: "datetime-local", name: "since", value: local, "aria-label": "Since" });
  const out = h("div", { "data-testid": "recover-result" });
  const button = h("button", { type: "button" }, "Recover failed messages");
  button.addEventListener("click", async () => {
    try {
      const res = await ctx.api.post<{ count: number; expired: number; more: boolean }>(
        `/webhook-endpoints/${ep.id}/recover`,
        { since: new Date(since.value).toISOString() },
      );
      const text = `${res.count} deliver${res.count === 1 ? "y" : "ies"} re-sent${res.expired ? `, ${res.expired} too old to re-send` : ""}${res.more ? "; more remain, recover again" : ""}.`;
      out.replaceChildren(notice("ok", text));
    } catch (err) {
      if (!(err instanceof ApiFailure)) throw err;
      out.replaceChildren(notice("error", err.error.message));
    }
  });
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
