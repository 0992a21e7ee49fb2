/** The message log (filter by type, delivery status and time) and an event's detail; an attempt's: attempt-page.ts. */

import { mapLimit } from "../../core/lib/pool.js";
import { type Attempt, all, type EventDetail, type EventItem, type EventType, type Page } from "../api.js";
import { type Ctx, link } from "../ctx.js";
import { card, fmtTime, h, pill, pretty } from "../dom.js";
import { attemptsTable, resendButton } from "./attempts.js";

const STATUSES = [
  "",
  "succeeded",
  "failed",
  "retrying",
  "pending",
  "abandoned",
  "skipped",
  "expired",
  "erased",
];
const filters = { type: "", status: "", since: "", until: "" };

export async function messagesPage(body: HTMLElement, ctx: Ctx): Promise<void> {
  const catalog = await all<EventType>(ctx.api, "/event-types");
  const tbody = h("tbody", {});
  const more = h("button", { type: "button" }, "Load more");
  body.append(
    h("h1", {}, "Message log"),
    filterForm(ctx, catalog),
    h(
      "table",
      { class: "list" },
      h("thead", {}, h("tr", {}, ...["Time", "Event", "Type", "Deliveries"].map((t) => h("th", {}, t)))),
      tbody,
    ),
    more,
  );
  const loadPage = pager(ctx, tbody, more);
  more.addEventListener("click", () => void loadPage());
  await loadPage();
}

/** The log's filters (type, delivery status, time), kept across renders; submitted, the page renders again. */
function filterForm(ctx: Ctx, catalog: EventType[]): HTMLFormElement {
  const type = h(
    "select",
    { name: "type", "aria-label": "Event type" },
    h("option", { value: "" }, "All types"),
    ...catalog.map((t) => h("option", { value: t.name, selected: t.name === filters.type }, t.name)),
  );
  const status = h(
    "select",
    { name: "status", "aria-label": "Delivery status" },
    ...STATUSES.map((s) => h("option", { value: s, selected: s === filters.status }, s || "Any status")),
  );
  const since = h("input", {
    type: "datetime-local",
    name: "since",
    value: filters.since,
    "aria-label": "From",
  });
  const until = h("input", {
    type: "datetime-local",
    name: "until",
    value: filters.until,
    "aria-label": "To",
  });
  const apply = h("button", { type: "submit" }, "Filter");
  const form = h("form", { class: "filters row" }, type, status, since, until, apply);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    Object.assign(filters, {
      type: type.value,
      status: status.value,
      since: since.value,
      until: until.value,
    });
    ctx.rerender();
  });
  return form;
}

/** Loads the next page of the log into `tbody` at each call; `more` shows while there is one. */
function pager(ctx: Ctx, tbody: HTMLElement, more: HTMLButtonElement): () => Promise<void> {
  let cursor: string | undefined;
  // Filters are query parameters: the API pages through the log (docs/recovery.md). A status
  // page may come back empty with a cursor (the API examines at most 200 events per call).
  return async () => {
    more.disabled = true;
    let added = 0;
    for (let calls = 0; calls < 5 && added === 0; calls++) {
      const q = new URLSearchParams({ limit: "20" });
      if (filters.type) q.set("type", filters.type);
      if (filters.status) q.set("status", filters.status);
      if (filters.since) q.set("since", new Date(filters.since).toISOString());
      if (filters.until) q.set("until", new Date(filters.until).toISOString());
      if (cursor) q.set("cursor", cursor);
      const page = await ctx.api.get<Page<EventItem>>(`/events?${q}`);
      cursor = page.next_cursor ?? undefined;
      const details = await mapLimit(page.data, 4, (m) => ctx.api.get<EventDetail>(`/events/${m.id}`));
      for (const d of details) tbody.append(eventRow(d, ctx));
      added += details.length;
      if (!cursor) break;
    }
    more.disabled = !cursor;
    more.hidden = !cursor;
    if (!tbody.childElementCount && !cursor)
      tbody.append(h("tr", {}, h("td", { colspan: 4, class: "empty" }, "No messages match.")));
  };
}

function eventRow(d: EventDetail, ctx: Ctx): HTMLElement {
  return h(
    "tr",
    { "data-event": d.id },
    h("td", {}, fmtTime(d.created_at)),
    h("td", {}, h("a", { href: "#", onclick: link(ctx, `/messages/${d.id}`) }, d.id)),
    h("td", {}, h("code", {}, d.type)),
    h(
      "td",
      {},
      ...(d.deliveries.length
        ? d.deliveries.map((x) => pill(x.status))
        : [h("span", { class: "muted" }, "no endpoints")]),
    ),
  );
}

/** What stands where a payload was (docs/data.md): nothing of it is kept or rebuilt. */
export const PAYLOAD_GONE: Record<string, string> = {
  available: "",
  expired: "(the payload passed its retention and was deleted)",
  erased: "(the payload was erased)",
};

/** The payload while kept, and when it expires (the retention); or why it is gone. */
function payloadView(ev: EventDetail): Node[] {
  if (ev.payload !== "available") return [h("p", { class: "muted" }, PAYLOAD_GONE[ev.payload] ?? "")];
  const keep = ev.expires_at
    ? h(
        "p",
        { class: "small muted", "data-testid": "expires" },
        `Kept until ${fmtTime(ev.expires_at)}, then deleted.`,
      )
    : null;
  return [h("pre", {}, pretty(ev.data)), ...(keep ? [keep] : [])];
}

export async function eventPage(body: HTMLElement, ctx: Ctx, id: string): Promise<void> {
  const [ev, attempts] = await Promise.all([
    ctx.api.get<EventDetail>(`/events/${id}`),
    ctx.api.get<Page<Attempt>>(`/events/${id}/attempts?limit=50`),
  ]);
  const rows = ev.deliveries.map((d) =>
    h(
      "tr",
      { "data-delivery": d.endpoint_id },
      h("td", {}, h("a", { href: "#", onclick: link(ctx, `/endpoints/${d.endpoint_id}`) }, d.endpoint_id)),
      h("td", {}, pill(d.status)),
      h("td", {}, String(d.attempts)),
      h("td", {}, d.last_status_code === null ? "—" : String(d.last_status_code)),
      h("td", { class: "small" }, d.last_error ?? ""),
      h("td", { class: "small" }, d.next_attempt_at ? `next ${fmtTime(d.next_attempt_at)}` : ""),
      h("td", {}, ctx.can("replay") ? resendButton(ctx, ev.id, d.endpoint_id) : null),
    ),
  );
  body.append(
    h("p", {}, h("a", { href: "#", onclick: link(ctx, "/messages") }, "← Message log")),
    h("h1", {}, h("code", {}, ev.type), " ", ev.id),
    h(
      "p",
      { class: "muted" },
      `Created ${fmtTime(ev.created_at)}${ev.agent_id ? ` · agent ${ev.agent_id}` : ""} · fan-out ${ev.fanout}`,
    ),
    card("Payload", { "data-testid": "payload" }, ...payloadView(ev)),
    card(
      "Deliveries",
      {},
      rows.length
        ? h(
            "table",
            { class: "list" },
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                ...["Endpoint", "Status", "Attempts", "HTTP", "Last error", "", ""].map((t) =>
                  h("th", {}, t),
                ),
              ),
            ),
            h("tbody", {}, ...rows),
          )
        : h("p", { class: "empty" }, "No endpoint subscribed to this event."),
    ),
    card("Attempts", {}, attemptsTable(attempts.data, ctx, { resend: false })),
  );
}
