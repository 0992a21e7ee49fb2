/**
 * Create or edit an endpoint: its destination (an HTTPS URL or an AWS target and role), event
 * types from the catalog, agent filter, retries, timeout, headers, ordering.
 */
import { exampleData } from "../../core/events/example.js";
import { ApiFailure, all, type Endpoint, type EventType } from "../api.js";
import type { Ctx } from "../ctx.js";
import { link } from "../ctx.js";
import { clear, h, notice, pretty } from "../dom.js";
import { awsRoleCard, destinationFields, orderingFields } from "./destination.js";
import { lifecycleBadge } from "./event-types.js";
import { publicKeyBox, secretBox } from "./secret.js";

export async function endpointForm(body: HTMLElement, ctx: Ctx, id?: string): Promise<void> {
  const [catalog, current] = await Promise.all([
    all<EventType>(ctx.api, "/event-types"),
    id ? ctx.api.get<Endpoint>(`/webhook-endpoints/${id}`) : Promise.resolve(undefined),
  ]);
  body.append(h("h1", {}, current ? "Edit endpoint" : "Add endpoint"));
  if (!ctx.can("manage_endpoints")) {
    body.append(notice("info", "This session may not change endpoints."));
    return;
  }
  const errors = h("div", {});
  const field = (label: string, input: HTMLElement, hint?: string) =>
    h(
      "label",
      { class: "field" },
      h("span", {}, label),
      input,
      hint ? h("small", { class: "muted" }, hint) : null,
    );

  const destination = destinationFields(field, current);
  const ordering = orderingFields(field, current);
  const label = h("input", { name: "label", value: current?.label ?? "", maxlength: 120 });
  const description = h("textarea", { name: "description", maxlength: 1000 }, current?.description ?? "");
  const agent = h("input", { name: "agent_id", value: ctx.session.agent_id ?? current?.agent_id ?? "" });
  if (ctx.session.agent_id) agent.disabled = true;
  const retries = h("input", {
    name: "max_retries",
    type: "number",
    min: 0,
    max: 30,
    value: current?.max_retries ?? "",
  });
  const timeout = h("input", {
    name: "timeout_ms",
    type: "number",
    min: 1000,
    max: 30000,
    step: 500,
    value: current?.timeout_ms ?? "",
  });
  const traceparent = h("input", {
    name: "send_traceparent",
    type: "checkbox",
    checked: current?.send_traceparent === true,
  });
  const types = typePicker(catalog, current?.event_types ?? []);
  const headers = headerRows(current?.headers ?? {});
  // Custom headers are HTTPS-only: the AWS types carry the signature as attributes, nothing else.
  const headersSet = h("fieldset", {}, h("legend", {}, "Custom headers"), headers.el);
  // Only an HTTPS request carries a traceparent (docs/tracing.md).
  const traceSet = h(
    "label",
    { class: "field" },
    h("span", {}, traceparent, " Send traceparent"),
    h(
      "small",
      { class: "muted" },
      "Each request carries a W3C traceparent header: the event's trace id, a new span id per attempt.",
    ),
  );
  destination.onType((t) => {
    headersSet.hidden = t !== "https";
    traceSet.hidden = t !== "https";
  });
  const filter = h(
    "textarea",
    { name: "filter", rows: 4, spellcheck: false, placeholder: '{ "data": { "amount": { "$gte": 100 } } }' },
    current?.filter ? JSON.stringify(current.filter, null, 2) : "",
  );
  // An error about the filter no longer applies once it is edited.
  filter.addEventListener("input", () => clear(errors));
  // The signing kind is chosen at creation; later it changes by rotating the secret.
  const signing = h(
    "select",
    { name: "signing_version", disabled: Boolean(current) },
    h(
      "option",
      { value: "v1", selected: current?.signing_version !== "v1a" },
      "v1: HMAC-SHA256 with a shared secret",
    ),
    h(
      "option",
      { value: "v1a", selected: current?.signing_version === "v1a" },
      "v1a: ed25519, verify with a public key",
    ),
  );

  const form = h(
    "form",
    { class: "form", novalidate: true },
    destination.el,
    field("Name", label),
    field("Description", description),
    h(
      "fieldset",
      {},
      h("legend", {}, "Event types"),
      h("small", { class: "muted" }, "None selected = every event type."),
      types.el,
    ),
    field(
      "Agent",
      agent,
      ctx.session.agent_id
        ? "This session manages this agent's endpoints only."
        : "Only this agent's events; empty = every agent.",
    ),
    h("div", { class: "row" }, field("Retries", retries), field("Timeout (ms)", timeout)),
    headersSet,
    traceSet,
    field(
      "Payload filter (JSON)",
      filter,
      'Deliver only events that match, e.g. { "data": { "amount": { "$gte": 100 } } }; empty = every event.',
    ),
    field(
      "Signing",
      signing,
      current
        ? "Switch between v1 and v1a by rotating the secret on the endpoint's page."
        : "v1a receivers verify with the endpoint's public key or its JWK Set: no shared secret.",
    ),
    ordering.el,
    errors,
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", class: "primary" }, current ? "Save changes" : "Create endpoint"),
      h(
        "a",
        {
          class: "button",
          href: "#",
          onclick: link(ctx, current ? `/endpoints/${current.id}` : "/endpoints"),
        },
        "Cancel",
      ),
    ),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clear(errors);
    const payload: Record<string, unknown> = {
      ...destination.values(),
      label: label.value.trim() || null,
      description: description.value.trim() || null,
      event_types: types.selected(),
      ...ordering.values(),
      send_traceparent: traceparent.checked,
    };
    if (destination.type() === "https") payload.headers = headers.values();
    if (!ctx.session.agent_id) payload.agent_id = agent.value.trim() || null;
    if (retries.value) payload.max_retries = Number(retries.value);
    if (timeout.value) payload.timeout_ms = Number(timeout.value);
    const filterText = filter.value.trim();
    if (filterText) {
      try {
        payload.filter = JSON.parse(filterText);
      } catch (err) {
        errors.append(notice("error", `The filter is not JSON: ${(err as Error).message}`));
        return;
      }
    } else if (current?.filter) payload.filter = null;
    if (!current) payload.signing_version = signing.value;
    try {
      if (current) {
        await ctx.api.patch(`/webhook-endpoints/${current.id}`, payload);
        ctx.go(`/endpoints/${current.id}`);
      } else {
        const created = await ctx.api.post<Endpoint & { secret?: string }>("/webhook-endpoints", payload);
        clear(body);
        body.append(
          h("h1", {}, "Endpoint created"),
          created.secret
            ? secretBox(
                created.secret,
                "This is the endpoint's signing secret. Store it now: it is shown only once.",
              )
            : publicKeyBox(created),
          ...[awsRoleCard(created)].filter((c) => c !== null),
          h(
            "a",
            { class: "button primary", href: "#", onclick: link(ctx, `/endpoints/${created.id}`) },
            "Go to the endpoint",
          ),
        );
      }
    } catch (err) {
      if (!(err instanceof ApiFailure)) throw err;
      errors.append(apiErrorNotice(err));
    }
  });
  body.append(form);
}

/** The API's message, and what its details name: the field and why (a filter's path, a schema's issues). */
function apiErrorNotice(err: ApiFailure): HTMLElement {
  const details = err.error.details as unknown;
  const lines: string[] = [];
  if (Array.isArray(details)) {
    for (const d of details as { path?: unknown; message?: unknown }[])
      lines.push(`${String(d.path ?? "")}: ${String(d.message ?? "")}`);
  } else if (details && typeof details === "object") {
    const d = details as { path?: unknown; reason?: unknown };
    if (d.reason !== undefined)
      lines.push(`at ${d.path === undefined ? "(root)" : String(d.path)}: ${String(d.reason)}`);
  }
  return notice(
    "error",
    h("strong", { "data-code": err.error.code }, err.error.message),
    lines.length ? h("ul", {}, ...lines.map((l) => h("li", {}, l))) : null,
  );
}

function typePicker(catalog: EventType[], selected: string[]) {
  const chosen = new Set(selected);
  const boxes: HTMLInputElement[] = [];
  // An archived type takes no new subscriptions: it is offered only to an endpoint that has it.
  const offered = catalog.filter((t) => t.status !== "archived" || chosen.has(t.name));
  const items = offered.map((t) => {
    const box = h("input", {
      type: "checkbox",
      name: "event_type",
      value: t.name,
      checked: chosen.has(t.name),
    });
    boxes.push(box);
    return h(
      "div",
      { class: "type" },
      h(
        "label",
        {},
        box,
        h("code", {}, t.name),
        " ",
        lifecycleBadge(t),
        h("span", { class: "muted" }, t.description),
      ),
      t.deprecation ? h("div", { class: "small deprecation" }, t.deprecation.note) : null,
      h(
        "details",
        {},
        h("summary", {}, "Schema and example"),
        h("div", { class: "small" }, "JSON Schema"),
        h("pre", {}, t.schema ? pretty(t.schema) : "No schema: any JSON data."),
        h("div", { class: "small" }, "Example data"),
        h("pre", {}, pretty(t.examples?.[0] ?? exampleData({ name: t.name, schema: t.schema ?? undefined }))),
      ),
    );
  });
  // Patterns (`telephony.*`) set through the API are kept as they are.
  const patterns = selected.filter((s) => !offered.some((t) => t.name === s));
  const extra = patterns.map((p) => {
    const box = h("input", { type: "checkbox", name: "event_type", value: p, checked: true });
    boxes.push(box);
    return h(
      "div",
      { class: "type" },
      h("label", {}, box, h("code", {}, p), " ", h("span", { class: "muted" }, "pattern")),
    );
  });
  return {
    el: h("div", { class: "types" }, ...items, ...extra),
    selected: () => boxes.filter((b) => b.checked).map((b) => b.value),
  };
}

function headerRows(initial: Record<string, string>) {
  const list = h("div", { class: "headers" });
  const add = (name = "", value = "") => {
    const row = h(
      "div",
      { class: "row header-row" },
      h("input", { name: "header_name", placeholder: "X-Header", value: name, "aria-label": "Header name" }),
      h("input", { name: "header_value", placeholder: "value", value, "aria-label": "Header value" }),
      h("button", { type: "button", onclick: () => row.remove() }, "Remove"),
    );
    list.append(row);
  };
  for (const [k, v] of Object.entries(initial)) add(k, v);
  return {
    el: h("div", {}, list, h("button", { type: "button", onclick: () => add() }, "Add header")),
    values: () => {
      const out: Record<string, string> = {};
      for (const row of list.querySelectorAll(".header-row")) {
        const [n, v] = row.querySelectorAll("input");
        if (n?.value.trim()) out[n.value.trim()] = v?.value ?? "";
      }
      return out;
    },
  };
}
