/**
 * The endpoint form's fields (portal/views/endpoint-form.ts): their inputs, filled from the
 * endpoint being edited, and the form's layout of them.
 */
import type { Endpoint, EventType } from "../api.js";
import type { Ctx } from "../ctx.js";
import { clear, h } from "../dom.js";
import { destinationFields, orderingFields } from "./destination.js";
import { headerRows, typePicker } from "./endpoint-form-pickers.js";

/** A labelled input with an optional hint under it. */
const field = (label: string, input: HTMLElement, hint?: string) =>
  h(
    "label",
    { class: "field" },
    h("span", {}, label),
    input,
    hint ? h("small", { class: "muted" }, hint) : null,
  );

/** The inputs of the form, each filled from `current` when editing. */
export function formFields(
  ctx: Ctx,
  catalog: EventType[],
  current: Endpoint | undefined,
  errors: HTMLElement,
) {
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
  const filter = h(
    "textarea",
    { name: "filter", rows: 4, spellcheck: false, placeholder: '{ "data": { "amount": { "$gte": 100 } } }' },
    current?.filter ? JSON.stringify(current.filter, null, 2) : "",
  );
  // An error about the filter no longer applies once it is edited.
  filter.addEventListener("input", () => clear(errors));
  const signing = signingSelect(current);
  return {
    destination,
    ordering,
    label,
    description,
    agent,
    retries,
    timeout,
    traceparent,
    types,
    headers,
    filter,
    signing,
  };
}

export type FormFields = ReturnType<typeof formFields>;

// The signing kind is chosen at creation; later it changes by rotating the secret.
function signingSelect(current: Endpoint | undefined): HTMLSelectElement {
  return h(
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
}

/** The form's fields in their order, the HTTPS-only ones hidden for an AWS type. */
export function formLayout(ctx: Ctx, current: Endpoint | undefined, f: FormFields): HTMLElement[] {
  // Custom headers are HTTPS-only: the AWS types carry the signature as attributes, nothing else.
  const headersSet = h("fieldset", {}, h("legend", {}, "Custom headers"), f.headers.el);
  // Only an HTTPS request carries a traceparent (docs/tracing.md).
  const traceSet = h(
    "label",
    { class: "field" },
    h("span", {}, f.traceparent, " Send traceparent"),
    h(
      "small",
      { class: "muted" },
      "Each request carries a W3C traceparent header: the event's trace id, a new span id per attempt.",
    ),
  );
  f.destination.onType((t) => {
    headersSet.hidden = t !== "https";
    traceSet.hidden = t !== "https";
  });
  return [
    f.destination.el,
    field("Name", f.label),
    field("Description", f.description),
    h(
      "fieldset",
      {},
      h("legend", {}, "Event types"),
      h("small", { class: "muted" }, "None selected = every event type."),
      f.types.el,
    ),
    field(
      "Agent",
      f.agent,
      ctx.session.agent_id
        ? "This session manages this agent's endpoints only."
        : "Only this agent's events; empty = every agent.",
    ),
    h("div", { class: "row" }, field("Retries", f.retries), field("Timeout (ms)", f.timeout)),
    headersSet,
    traceSet,
    field(
      "Payload filter (JSON)",
      f.filter,
      'Deliver only events that match, e.g. { "data": { "amount": { "$gte": 100 } } }; empty = every event.',
    ),
    field(
      "Signing",
      f.signing,
      current
        ? "Switch between v1 and v1a by rotating the secret on the endpoint's page."
        : "v1a receivers verify with the endpoint's public key or its JWK Set: no shared secret.",
    ),
    f.ordering.el,
  ];
}
