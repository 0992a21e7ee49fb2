/** Endpoints: the list with each one's status and health. */
import { all, type Endpoint } from "../api.js";
import { type Ctx, link } from "../ctx.js";
import { fmtTime, h, pill } from "../dom.js";

export async function endpointsPage(body: HTMLElement, ctx: Ctx): Promise<void> {
  const endpoints = await all<Endpoint>(ctx.api, "/webhook-endpoints");
  body.append(
    h(
      "div",
      { class: "bar" },
      h("h1", {}, "Endpoints"),
      ctx.can("manage_endpoints")
        ? h("a", { class: "button primary", href: "#", onclick: link(ctx, "/endpoints/new") }, "Add endpoint")
        : null,
    ),
  );
  if (endpoints.length === 0) {
    body.append(h("p", { class: "empty" }, "No endpoints yet."));
    return;
  }
  const rows = endpoints.map((e) =>
    h(
      "tr",
      { "data-endpoint": e.id },
      h(
        "td",
        {},
        h("a", { href: "#", onclick: link(ctx, `/endpoints/${e.id}`) }, e.label ?? e.url),
        e.label ? h("div", { class: "muted small" }, e.url) : null,
        e.type && e.type !== "https"
          ? h("div", { class: "muted small", "data-testid": "type" }, e.type)
          : null,
      ),
      h("td", {}, pill(e.status)),
      h("td", {}, health(e)),
      h("td", { class: "small" }, e.event_types.length ? e.event_types.join(", ") : "all events"),
    ),
  );
  body.append(
    h(
      "table",
      { class: "list" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", {}, "Endpoint"),
          h("th", {}, "Status"),
          h("th", {}, "Health"),
          h("th", {}, "Events"),
        ),
      ),
      h("tbody", {}, ...rows),
    ),
  );
}

function health(e: Endpoint): HTMLElement {
  if (e.consecutive_failures > 0) {
    return h(
      "span",
      { class: "bad" },
      `${e.consecutive_failures} failure${e.consecutive_failures > 1 ? "s" : ""} in a row`,
    );
  }
  return h(
    "span",
    { class: "muted" },
    e.last_delivery_at ? `last delivery ${fmtTime(e.last_delivery_at)}` : "no deliveries yet",
  );
}
