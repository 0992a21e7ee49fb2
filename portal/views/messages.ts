/** The message log (filter by type, delivery status and time), an event's detail and an attempt's detail. */
import {
  type Attempt,
  type AttemptDetail,
  all,
  type EventDetail,
  type EventItem,
  type EventType,
  type Page,
} from "../api.js";
import { type Ctx, link } from "../ctx.js";
import { card, fmtTime, h, notice, pill, pretty } from "../dom.js";
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
  const tbody = h("tbody", {});
  const more = h("button", { type: "button" }, "Load more");
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
  body.append(
    h("h1", {}, "Message log"),
    form,
    h(
      "table",
      { class: "list" },
      h("thead", {}, h("tr", {}, ...["Time", "Event", "Type", "Deliveries"].map((t) => h("th", {}, t)))),
      tbody,
    ),
    more,
  );
  let cursor: string | undefined;
  // Filters are query parameters: the API pages through the log (docs/recovery.md). A status
  // page may come back empty with a cursor (the API examines at most 200 events per call).
  const loadPage = async () => {
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
  more.addEventListener("click", () => void loadPage());
  await loadPage();
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

async function mapLimit<T, R>(items: T[], n: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

/** What stands where a payload was (docs/data.md): nothing of it is kept or rebuilt. */
const PAYLOAD_GONE: Record<string, string> = {
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
    card(
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
    ),
    card(
      "Response body (first 4 KiB)",
      {},
      h("pre", { "data-testid": "response-body" }, a.response_body ?? "(empty)"),
    ),
  );
  if (ctx.can("replay"))
    body.append(h("div", { class: "actions" }, resendButton(ctx, a.msg_id, a.endpoint_id)));
}
