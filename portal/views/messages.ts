/** The message log (filter by type, delivery status and time), an event's detail and an attempt's detail. */
import {
  type Attempt,
  all,
  type Endpoint,
  type EventDetail,
  type EventItem,
  type EventType,
  type Page,
} from "../api.js";
import { fmtTime, h, pill, pretty } from "../dom.js";
import { type Ctx, link } from "../router.js";
import { attemptsTable, resendButton } from "./attempts.js";

const STATUSES = ["", "succeeded", "failed", "retrying", "pending", "abandoned", "skipped"];
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
  const sinceMs = filters.since ? Date.parse(filters.since) : -Infinity;
  const untilMs = filters.until ? Date.parse(filters.until) : Infinity;
  let cursor: string | null | undefined;
  const loadPage = async () => {
    more.disabled = true;
    const q = new URLSearchParams({ limit: "20" });
    if (filters.type) q.set("type", filters.type);
    if (cursor) q.set("cursor", cursor);
    const page = await ctx.api.get<Page<EventItem>>(`/events?${q}`);
    cursor = page.next_cursor;
    const inRange = page.data.filter((m) => {
      const t = Date.parse(m.created_at);
      return t >= sinceMs && t <= untilMs;
    });
    const details = await mapLimit(inRange, 4, (m) => ctx.api.get<EventDetail>(`/events/${m.id}`));
    for (const d of details) {
      if (filters.status && !d.deliveries.some((x) => x.status === filters.status)) continue;
      tbody.append(eventRow(d, ctx));
    }
    const older = page.data.at(-1);
    const done = !cursor || (older !== undefined && Date.parse(older.created_at) < sinceMs);
    more.disabled = done;
    more.hidden = done;
    if (!tbody.childElementCount && done)
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
    h("section", { class: "card" }, h("h2", {}, "Payload"), h("pre", {}, pretty(ev.data))),
    h(
      "section",
      { class: "card" },
      h("h2", {}, "Deliveries"),
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
    h(
      "section",
      { class: "card" },
      h("h2", {}, "Attempts"),
      attemptsTable(attempts.data, ctx, { resend: false }),
    ),
  );
}

export async function attemptPage(
  body: HTMLElement,
  ctx: Ctx,
  msgId: string,
  attemptId: string,
): Promise<void> {
  const [ev, attempts] = await Promise.all([
    ctx.api.get<EventDetail>(`/events/${msgId}`),
    all<Attempt>(ctx.api, `/events/${msgId}/attempts`),
  ]);
  const a = attempts.find((x) => x.id === attemptId);
  if (!a) throw new Error("attempt not found");
  const ep = await ctx.api.get<Endpoint>(`/webhook-endpoints/${a.endpoint_id}`).catch(() => undefined);
  const sentBody = {
    id: ev.id,
    type: ev.type,
    timestamp: ev.created_at,
    ...(ev.agent_id ? { agent_id: ev.agent_id } : {}),
    data: ev.data,
  };
  const headers: Record<string, string> = {
    ...Object.fromEntries(Object.entries(ep?.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    "content-type": "application/json",
    "webhook-id": ev.id,
    "webhook-timestamp": String(Math.floor(Date.parse(a.timestamp) / 1000)),
    "webhook-signature": "v1,… (signed with the endpoint's secret)",
  };
  body.append(
    h("p", {}, h("a", { href: "#", onclick: link(ctx, `/messages/${msgId}`) }, "← Event ", msgId)),
    h("div", { class: "bar" }, h("h1", {}, `Attempt #${a.attempt}`), pill(a.status)),
    h(
      "table",
      { class: "kv" },
      h(
        "tbody",
        {},
        h(
          "tr",
          {},
          h("th", {}, "Endpoint"),
          h(
            "td",
            {},
            h(
              "a",
              { href: "#", onclick: link(ctx, `/endpoints/${a.endpoint_id}`) },
              ep?.url ?? a.endpoint_id,
            ),
          ),
        ),
        h("tr", {}, h("th", {}, "Time"), h("td", {}, fmtTime(a.timestamp))),
        h(
          "tr",
          {},
          h("th", {}, "Response status"),
          h(
            "td",
            { "data-testid": "status-code" },
            a.status_code === null ? "no response" : String(a.status_code),
          ),
        ),
        h("tr", {}, h("th", {}, "Latency"), h("td", {}, `${a.latency_ms} ms`)),
        h("tr", {}, h("th", {}, "Error"), h("td", {}, a.error ?? "none")),
        h("tr", {}, h("th", {}, "Trigger"), h("td", {}, a.trigger)),
      ),
    ),
    h(
      "section",
      { class: "card" },
      h("h2", {}, "Request headers"),
      h(
        "pre",
        {},
        Object.entries(headers)
          .map(([k, v]) => `${k}: ${v}`)
          .join("\n"),
      ),
    ),
    h("section", { class: "card" }, h("h2", {}, "Request body"), h("pre", {}, pretty(sentBody))),
    h(
      "section",
      { class: "card" },
      h("h2", {}, "Response body (first 4 KiB)"),
      h("pre", { "data-testid": "response-body" }, a.response_body ?? "(empty)"),
    ),
  );
  if (ctx.can("replay"))
    body.append(h("div", { class: "actions" }, resendButton(ctx, a.msg_id, a.endpoint_id)));
}
