/**
 * Where an endpoint delivers (docs/destinations.md): the type picker and each type's fields in
 * the endpoint form, its ordering, and an AWS endpoint's role: the external id and the trust and
 * permission policies the customer gives it, each with a copy button. The types, their labels
 * and their fields are the server's list (core/model/destinations/): a type added there appears
 * here with no edit. The policies are the endpoint view's own (core/model/aws-policies.ts builds
 * them), shown as text nodes.
 */
import { policyText } from "../../core/model/aws-policies.js";
import { AWS_FIELDS, AWS_TYPES, ROLE_FIELD, TYPE_LABELS } from "../../core/model/destinations/index.js";
import type { Endpoint, EndpointType } from "../api.js";
import { card, h, hint } from "../dom.js";

type Field = (label: string, input: HTMLElement, hint?: string) => HTMLElement;

const TYPES = Object.entries(TYPE_LABELS) as [EndpointType, string][];

export const typeLabel = (t: EndpointType | undefined) => TYPE_LABELS[t ?? "https"] ?? String(t);

/** Every field of the form: the HTTPS URL, each AWS type's fields, the role; in the body's names. */
const FIELDS: Record<string, { label: string; hint: string; placeholder: string }> = {
  url: { label: "URL", hint: "Where deliveries are POSTed; https only.", placeholder: "https://" },
  ...Object.fromEntries(AWS_FIELDS),
  role_arn: ROLE_FIELD,
};

/** Each type's fields. */
const OWN: Record<string, string[]> = {
  https: ["url"],
  ...Object.fromEntries(AWS_TYPES.map((t) => [t.type, [...Object.keys(t.fields), "role_arn"]])),
};

/** The type picker and each type's fields; only the chosen type's are shown and sent. */
export function destinationFields(field: Field, current?: Endpoint) {
  const text = (name: string, value: string | undefined, placeholder: string, type = "text") =>
    h("input", { name, type, value: value ?? "", placeholder, spellcheck: false });
  const shown = current as Record<string, unknown> | undefined;
  const inputs = Object.fromEntries(
    Object.entries(FIELDS).map(([name, f]) => {
      if (name !== "url") return [name, text(name, shown?.[name] as string | undefined, f.placeholder)];
      const url = current?.type === "https" || !current?.type ? current?.url : "";
      return [name, text(name, url, f.placeholder, "url")];
    }),
  ) as Record<string, HTMLInputElement>;
  const rows = Object.fromEntries(
    Object.entries(inputs).map(([k, input]) => [k, field(FIELDS[k]!.label, input, FIELDS[k]!.hint)]),
  ) as Record<string, HTMLElement>;
  // The type is chosen at creation; it cannot change (the API refuses it).
  const select = h(
    "select",
    { name: "type", disabled: Boolean(current) },
    ...TYPES.map(([k, label]) =>
      h("option", { value: k, selected: k === (current?.type ?? "https") }, label),
    ),
  );
  const type = () => select.value as EndpointType;
  const listeners: ((t: EndpointType) => void)[] = [];
  const show = () => {
    for (const [k, row] of Object.entries(rows)) row.hidden = !OWN[type()]?.includes(k);
    for (const l of listeners) l(type());
  };
  select.addEventListener("change", show);
  show();
  const el = h(
    "div",
    { class: "destination" },
    field(
      "Destination",
      select,
      current ? "The type cannot change; create another endpoint instead." : undefined,
    ),
    ...Object.values(rows),
  );
  return {
    el,
    type,
    /** Called now and whenever the type changes (the form hides what an AWS type refuses). */
    onType(fn: (t: EndpointType) => void) {
      listeners.push(fn);
      fn(type());
    },
    /** The body's destination fields: the chosen type's (an empty optional one left out). */
    values(): Record<string, unknown> {
      const out: Record<string, unknown> = {};
      if (!current) out.type = type();
      for (const k of OWN[type()] ?? []) {
        const v = inputs[k]!.value.trim();
        if (v || k === "url") out[k] = v;
      }
      return out;
    },
  };
}

/** Ordering: strict (one event at a time, in publish order, per key value) or none. */
export function orderingFields(field: Field, current?: Endpoint) {
  const strict = current?.ordering === "strict";
  const select = h(
    "select",
    { name: "ordering" },
    h("option", { value: "none", selected: !strict }, "none: concurrent, unordered"),
    h("option", { value: "strict", selected: strict }, "strict: one at a time, in publish order"),
  );
  const key = h("input", {
    name: "ordering_key",
    value: current?.ordering_key ?? "",
    placeholder: "data.customer_id",
    maxlength: 200,
    spellcheck: false,
  });
  const keyRow = field(
    "Ordering key",
    key,
    "Optional: the event field whose value orders separately, so one customer's events never wait for another's.",
  );
  const sync = () => {
    keyRow.hidden = select.value !== "strict";
  };
  select.addEventListener("change", sync);
  sync();
  return {
    el: h(
      "div",
      {},
      field(
        "Ordering",
        select,
        "Strict: a failing event holds the ones behind it until it succeeds or is dead-lettered.",
      ),
      keyRow,
    ),
    values(): Record<string, unknown> {
      if (select.value !== "strict") return { ordering: "none" };
      return { ordering: "strict", ordering_key: key.value.trim() || null };
    },
  };
}

/** How the endpoint page names its ordering. */
export function orderingText(ep: Endpoint): string {
  if (ep.ordering !== "strict") return "none (concurrent, unordered)";
  return ep.ordering_key
    ? `strict: one at a time in publish order, per value of ${ep.ordering_key}`
    : "strict: one at a time in publish order";
}

/**
 * An AWS endpoint's target in words: its `url`, which the server makes the target's (the queue
 * URL, the ARN, s3://bucket/prefix), and the region a type shows (aws_s3).
 */
export function targetText(ep: Endpoint): string {
  return `${ep.url}${ep.region ? ` (${ep.region})` : ""}`;
}

/** The external id and the two policies to give the role, each with a copy button. */
export function awsRoleCard(ep: Endpoint): HTMLElement | null {
  if (!ep.type || ep.type === "https" || !ep.trust_policy) return null;
  const block = (title: string, testid: string, doc: Endpoint["trust_policy"]) => {
    const text = policyText(doc as Parameters<typeof policyText>[0]);
    return h(
      "div",
      { class: "policy" },
      h(
        "div",
        { class: "bar" },
        h("h3", {}, title),
        h("button", { type: "button", onclick: () => void navigator.clipboard?.writeText(text) }, "Copy"),
      ),
      h("pre", { "data-testid": testid }, text),
    );
  };
  return card(
    "Role in your AWS account",
    { "data-testid": "aws-role" },
    hint(
      "hookrelay delivers by assuming this role with the external id below. Give the role these two policies; the external id is not a secret and never changes.",
    ),
    h("p", {}, "Role: ", h("code", {}, ep.role_arn ?? "")),
    h("p", {}, "External id: ", h("code", { "data-testid": "external-id" }, ep.external_id ?? "")),
    block("Trust policy", "trust-policy", ep.trust_policy),
    ep.permission_policy ? block("Permission policy", "permission-policy", ep.permission_policy) : null,
  );
}
