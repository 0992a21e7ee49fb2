/** A table of delivery attempts, each linking to its detail, with resend where allowed. */
import { ApiFailure, type Attempt } from "../api.js";
import { type Ctx, link } from "../ctx.js";
import { fmtTime, h, pill } from "../dom.js";

/** The deep link of an attempt. */
export const attemptLink = (a: Pick<Attempt, "msg_id" | "endpoint_id" | "id">) =>
  `/messages/${a.msg_id}/endpoints/${a.endpoint_id}/attempts/${a.id}`;

export function attemptsTable(attempts: Attempt[], ctx: Ctx, opts: { resend: boolean }): HTMLElement {
  if (attempts.length === 0) return h("p", { class: "empty" }, "No attempts yet.");
  const rows = attempts.map((a) =>
    h(
      "tr",
      { "data-attempt": a.id },
      h("td", {}, h("a", { href: "#", onclick: link(ctx, attemptLink(a)) }, fmtTime(a.timestamp))),
      h("td", {}, h("code", {}, a.event_type)),
      h("td", {}, pill(a.status)),
      h("td", {}, a.status_code === null ? "—" : String(a.status_code)),
      h("td", {}, `${a.latency_ms} ms`),
      h("td", { class: "small" }, a.error ?? ""),
      h("td", { class: "small muted" }, `#${a.attempt} · ${a.trigger}`),
      h("td", {}, opts.resend && ctx.can("replay") ? resendButton(ctx, a.msg_id, a.endpoint_id) : null),
    ),
  );
  return h(
    "table",
    { class: "list" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ...["Time", "Event", "Result", "HTTP", "Latency", "Error", "Attempt", ""].map((t) => h("th", {}, t)),
      ),
    ),
    h("tbody", {}, ...rows),
  );
}

export function resendButton(ctx: Ctx, msgId: string, endpointId: string): HTMLElement {
  const b = h("button", { type: "button", class: "small-button" }, "Resend");
  b.addEventListener("click", async () => {
    b.disabled = true;
    try {
      await ctx.api.post(`/events/${msgId}/endpoints/${endpointId}/resend`);
      b.textContent = "Resent";
    } catch (err) {
      b.disabled = false;
      b.textContent = err instanceof ApiFailure ? `Resend failed: ${err.error.message}` : "Resend failed";
    }
  });
  return b;
}
