/** One endpoint: settings, actions, health, secret, test events, recent attempts, recovery and replay. */
import { type Attempt, all, type Endpoint, type EventType, type Page } from "../api.js";
import { type Ctx, link } from "../ctx.js";
import { card, fmtTime, h, hint, notice, pill } from "../dom.js";
import { attemptsTable } from "./attempts.js";
import { confirmButton } from "./confirm.js";
import { awsRoleCard, orderingText, targetText, typeLabel } from "./destination.js";
import { lifecycleNotices } from "./event-types.js";
import { healthSection } from "./health.js";
import { recoverSection } from "./recover.js";
import { replaySection } from "./replay.js";
import { secretSection } from "./secret.js";

export async function endpointPage(body: HTMLElement, ctx: Ctx, id: string): Promise<void> {
  const [ep, catalog] = await Promise.all([
    ctx.api.get<Endpoint>(`/webhook-endpoints/${id}`),
    all<EventType>(ctx.api, "/event-types"),
  ]);
  body.append(
    h("p", {}, h("a", { href: "#", onclick: link(ctx, "/endpoints") }, "← Endpoints")),
    h("div", { class: "bar" }, h("h1", {}, ep.label ?? ep.url), pill(ep.status)),
    ...lifecycleNotices(catalog, ep.event_types),
    settings(ep),
  );
  if (ctx.can("manage_endpoints")) body.append(actions(ep, ctx));
  body.append(await healthSection(ep, ctx), secretSection(ep, ctx));
  const role = awsRoleCard(ep);
  if (role) body.append(role);
  if (ctx.can("send_test")) body.append(testSection(ep, ctx, catalog));
  const page = await ctx.api.get<Page<Attempt>>(`/webhook-endpoints/${ep.id}/attempts?limit=20`);
  body.append(card("Recent attempts", {}, attemptsTable(page.data, ctx, { resend: true })));
  if (ctx.can("replay")) body.append(recoverSection(ep, ctx), replaySection(ep, ctx));
}

function settings(ep: Endpoint): HTMLElement {
  const row = (k: string, v: Node | string) => h("tr", {}, h("th", {}, k), h("td", {}, v));
  const headers = Object.entries(ep.headers);
  return h(
    "table",
    { class: "kv" },
    h(
      "tbody",
      {},
      row(
        "Type",
        h("span", { "data-testid": "endpoint-type" }, `${typeLabel(ep.type)} (${ep.type ?? "https"})`),
      ),
      ep.type && ep.type !== "https"
        ? row("Target", h("code", { "data-testid": "endpoint-target" }, targetText(ep)))
        : row("URL", h("code", {}, ep.url)),
      ep.role_arn ? row("Role", h("code", {}, ep.role_arn)) : null,
      ep.description ? row("Description", ep.description) : null,
      row("Event types", ep.event_types.length ? ep.event_types.join(", ") : "every event type"),
      row("Agent", ep.agent_id === null ? "every agent" : String(ep.agent_id)),
      row("Retries", `${ep.max_retries}, timeout ${ep.timeout_ms} ms`),
      row("Custom headers", headers.length ? headers.map(([k, v]) => `${k}: ${v}`).join("\n") : "none"),
      row(
        "Payload filter",
        ep.filter ? h("code", { "data-testid": "filter" }, JSON.stringify(ep.filter)) : "none (every event)",
      ),
      ep.filter ? row("Filtered out", `${ep.filtered_count} event(s) did not match the filter`) : null,
      row("Ordering", h("span", { "data-testid": "endpoint-ordering" }, orderingText(ep))),
      row("Signing", ep.signing_version === "v1a" ? "v1a (ed25519)" : "v1 (HMAC-SHA256)"),
      row(
        "Last verified",
        h(
          "span",
          { "data-testid": "last-verified" },
          ep.last_verified_at ? fmtTime(ep.last_verified_at) : "never (no test event answered with a 2xx)",
        ),
      ),
      row("Created", fmtTime(ep.created_at)),
    ),
  );
}

function actions(ep: Endpoint, ctx: Ctx): HTMLElement {
  const disabled = ep.status === "disabled";
  const paused = ep.status === "paused";
  const setStatus = (status: Endpoint["status"], label: string) =>
    h(
      "button",
      {
        type: "button",
        onclick: async () => {
          await ctx.api.patch(`/webhook-endpoints/${ep.id}`, { status });
          ctx.rerender();
        },
      },
      label,
    );
  return h(
    "div",
    { class: "actions" },
    h("a", { class: "button", href: "#", onclick: link(ctx, `/endpoints/${ep.id}/edit`) }, "Edit"),
    // Pause holds what arrives and sends it on resume; disable skips it (docs/delivery.md).
    paused ? setStatus("active", "Resume") : disabled ? null : setStatus("paused", "Pause"),
    disabled ? setStatus("active", "Enable") : setStatus("disabled", "Disable"),
    confirmButton(
      "Delete",
      "Delete this endpoint? Delivery stops at once and pending retries are abandoned. This cannot be undone.",
      "Delete endpoint",
      async () => {
        await ctx.api.del(`/webhook-endpoints/${ep.id}`);
        ctx.go("/endpoints");
      },
      true,
    ),
  );
}

function testSection(ep: Endpoint, ctx: Ctx, all: readonly EventType[]): HTMLElement {
  // An archived type accepts no events, test events included.
  const catalog = all.filter((t) => t.status !== "archived");
  const select = h(
    "select",
    { name: "test_type", "aria-label": "Event type" },
    ...catalog.map((t) => h("option", { value: t.name, selected: t.name === "webhook.test" }, t.name)),
  );
  const out = h("div", { "data-testid": "test-result" });
  const send = h("button", { type: "button", class: "primary" }, "Send test event");
  send.addEventListener("click", async () => {
    out.replaceChildren(hint("Sending…"));
    const res = await ctx.api.post<{ message_id: string }>(`/webhook-endpoints/${ep.id}/test`, {
      event_type: select.value,
    });
    out.replaceChildren(
      h("p", {}, "Sent event ", h("code", {}, res.message_id), ". Waiting for its attempt…"),
    );
    const attempt = await waitForAttempt(ctx, res.message_id, ep.id, out);
    if (!attempt) return;
    out.replaceChildren(
      h("p", {}, "Event ", h("code", {}, res.message_id), " was attempted:"),
      attemptsTable([attempt], ctx, { resend: true }),
    );
  });
  return card(
    "Send a test event",
    {},
    hint("Sends an event with sample data to this endpoint only, signed like every delivery."),
    h("div", { class: "row" }, select, send),
    out,
  );
}

/** Polls the event's attempts until this endpoint's first one is logged, or the view is gone. */
async function waitForAttempt(ctx: Ctx, msgId: string, endpointId: string, anchor: HTMLElement) {
  for (let i = 0; i < 120 && anchor.isConnected; i++) {
    const page = await ctx.api.get<Page<Attempt>>(`/events/${msgId}/attempts?limit=10`);
    const found = page.data.find((a) => a.endpoint_id === endpointId);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 1000));
  }
  if (anchor.isConnected) anchor.append(notice("info", "No attempt yet: check the message log later."));
  return undefined;
}
