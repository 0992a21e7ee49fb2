/**
 * Create or edit an endpoint: its destination (an HTTPS URL or an AWS target and role), event
 * types from the catalog, agent filter, retries, timeout, headers, ordering. The fields:
 * endpoint-form-fields.ts; the type picker and header rows: endpoint-form-pickers.ts.
 */
import { ApiFailure, all, type Endpoint, type EventType } from "../api.js";
import type { Ctx } from "../ctx.js";
import { link } from "../ctx.js";
import { clear, h, notice } from "../dom.js";
import { awsRoleCard } from "./destination.js";
import { type FormFields, formFields, formLayout } from "./endpoint-form-fields.js";
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
  const fields = formFields(ctx, catalog, current, errors);
  const form = h(
    "form",
    { class: "form", novalidate: true },
    ...formLayout(ctx, current, fields),
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
    const payload = payloadOf(ctx, current, fields, errors);
    if (!payload) return;
    try {
      if (current) {
        await ctx.api.patch(`/webhook-endpoints/${current.id}`, payload);
        ctx.go(`/endpoints/${current.id}`);
      } else {
        const created = await ctx.api.post<Endpoint & { secret?: string }>("/webhook-endpoints", payload);
        clear(body);
        body.append(...createdView(ctx, created));
      }
    } catch (err) {
      if (!(err instanceof ApiFailure)) throw err;
      errors.append(apiErrorNotice(err));
    }
  });
  body.append(form);
}

/** The request's body from the fields; none (the error shown in `errors`) when the filter is not JSON. */
function payloadOf(
  ctx: Ctx,
  current: Endpoint | undefined,
  f: FormFields,
  errors: HTMLElement,
): Record<string, unknown> | undefined {
  const payload: Record<string, unknown> = {
    ...f.destination.values(),
    label: f.label.value.trim() || null,
    description: f.description.value.trim() || null,
    event_types: f.types.selected(),
    ...f.ordering.values(),
    send_traceparent: f.traceparent.checked,
  };
  if (f.destination.type() === "https") payload.headers = f.headers.values();
  if (!ctx.session.agent_id) payload.agent_id = f.agent.value.trim() || null;
  if (f.retries.value) payload.max_retries = Number(f.retries.value);
  if (f.timeout.value) payload.timeout_ms = Number(f.timeout.value);
  const filterText = f.filter.value.trim();
  if (filterText) {
    try {
      payload.filter = JSON.parse(filterText);
    } catch (err) {
      errors.append(notice("error", `The filter is not JSON: ${(err as Error).message}`));
      return undefined;
    }
  } else if (current?.filter) payload.filter = null;
  if (!current) payload.signing_version = f.signing.value;
  return payload;
}

/** What a created endpoint shows once: its secret (or public key), its AWS role, a link to it. */
function createdView(ctx: Ctx, created: Endpoint & { secret?: string }): HTMLElement[] {
  return [
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
  ];
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
