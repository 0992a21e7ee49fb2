/** An attempt's detail: its result, the request it sent (rebuilt) and the response's body. */
import { type Attempt, type AttemptDetail, all } from "../api.js";
import { type Ctx, link } from "../ctx.js";
import { card, fmtTime, h, notice, pill } from "../dom.js";
import { resendButton } from "./attempts.js";
import { PAYLOAD_GONE } from "./messages.js";

/** An older deep link without the endpoint: found through the event's attempts. */
export async function legacyAttemptPage(body: HTMLElement, ctx: Ctx, msgId: string, attemptId: string) {
  const attempts = await all<Attempt>(ctx.api, `/events/${msgId}/attempts`);
  const a = attempts.find((x) => x.id === attemptId);
  if (!a) throw new Error("attempt not found");
  return attemptPage(body, ctx, msgId, a.endpoint_id, attemptId);
}

export async function attemptPage(
  body: HTMLElement,
  ctx: Ctx,
  msgId: string,
  endpointId: string,
  attemptId: string,
): Promise<void> {
  const a = await ctx.api.get<AttemptDetail>(
    `/events/${msgId}/endpoints/${endpointId}/attempts/${attemptId}`,
  );
  const row = (label: string, value: Node | string, testid?: string) =>
    h("tr", {}, h("th", {}, label), h("td", testid ? { "data-testid": testid } : {}, value));
  body.append(
    h("p", {}, h("a", { href: "#", onclick: link(ctx, `/messages/${msgId}`) }, "← Event ", msgId)),
    h("div", { class: "bar" }, h("h1", {}, `Attempt #${a.attempt}`), pill(a.status)),
    h(
      "table",
      { class: "kv" },
      h(
        "tbody",
        {},
        row(
          "Endpoint",
          h("a", { href: "#", onclick: link(ctx, `/endpoints/${a.endpoint_id}`) }, a.request.url),
        ),
        row("Time", fmtTime(a.timestamp)),
        row("Response status", a.status_code === null ? "no response" : String(a.status_code), "status-code"),
        row("Latency", `${a.latency_ms} ms`, "latency"),
        row("Error", a.error ?? "none", "error"),
        row("Trigger", a.trigger),
      ),
    ),
    requestCard(a),
    card(
      "Response body (first 4 KiB)",
      {},
      h("pre", { "data-testid": "response-body" }, a.response_body ?? "(empty)"),
    ),
  );
  if (ctx.can("replay"))
    body.append(h("div", { class: "actions" }, resendButton(ctx, a.msg_id, a.endpoint_id)));
}

/** The request the attempt sent, rebuilt by the API from the stored event. */
function requestCard(a: AttemptDetail): HTMLElement {
  return card(
    "Request sent",
    { "data-testid": "request" },
    h(
      "p",
      { class: "small muted" },
      "Rebuilt from the stored event: the same headers and body bytes as sent, except the signature's value, which is not stored.",
    ),
    a.request.settings_changed_since
      ? notice(
          "info",
          "The endpoint was edited after this attempt: its URL and custom headers may have differed then.",
        )
      : null,
    h(
      "pre",
      { "data-testid": "request-headers" },
      [`POST ${a.request.url}`, ...Object.entries(a.request.headers).map(([k, v]) => `${k}: ${v}`)].join(
        "\n",
      ),
    ),
    h("pre", { "data-testid": "request-body" }, a.request.body ?? PAYLOAD_GONE[a.request.payload]),
  );
}
