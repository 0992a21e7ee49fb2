/**
 * Where an endpoint delivers (docs/destinations.md): the type picker and each type's fields in
 * the endpoint form, its ordering, and an AWS endpoint's role: the external id and the trust and
 * permission policies the customer gives it, each with a copy button. The policies are the
 * endpoint view's own (core/endpoints/aws-policies.ts builds them), shown as text nodes.
 */
import { policyText } from "../../core/model/aws-policies.js";
import type { Endpoint, EndpointType } from "../api.js";
import { card, h, hint } from "../dom.js";

type Field = (label: string, input: HTMLElement, hint?: string) => HTMLElement;

const TYPES: [EndpointType, string][] = [
  ["https", "HTTPS: a POST to your endpoint"],
  ["aws_sqs", "Amazon SQS queue"],
  ["aws_sns", "Amazon SNS topic"],
  ["aws_eventbridge", "Amazon EventBridge bus"],
  ["aws_s3", "Amazon S3 bucket"],
];

export const typeLabel = (t: EndpointType | undefined) =>
  TYPES.find(([k]) => k === (t ?? "https"))?.[1] ?? String(t);

/** The type picker and each type's fields; only the chosen type's are shown and sent. */
export function destinationFields(field: Field, current?: Endpoint) {
  const text = (name: string, value: string | undefined, placeholder: string, type = "text") =>
    h("input", { name, type, value: value ?? "", placeholder, spellcheck: false });
  const inputs = {
    url: text("url", current?.type === "https" || !current?.type ? current?.url : "", "https://", "url"),
    queue_url: text(
      "queue_url",
      current?.queue_url,
      "https://sqs.us-east-1.amazonaws.com/123456789012/webhooks",
    ),
    topic_arn: text("topic_arn", current?.topic_arn, "arn:aws:sns:us-east-1:123456789012:webhooks"),
    event_bus_arn: text(
      "event_bus_arn",
      current?.event_bus_arn,
      "arn:aws:events:us-east-1:123456789012:event-bus/webhooks",
    ),
    bucket: text("bucket", current?.bucket, "acme-webhooks"),
    prefix: text("prefix", current?.prefix, "hookrelay/"),
    region: text("region", current?.region, "us-east-1 (default: the service's)"),
    role_arn: text("role_arn", current?.role_arn, "arn:aws:iam::123456789012:role/hookrelay-delivery"),
  };
  // Each type's fields, in the body's names.
  const own: Record<EndpointType, (keyof typeof inputs)[]> = {
    https: ["url"],
    aws_sqs: ["queue_url", "role_arn"],
    aws_sns: ["topic_arn", "role_arn"],
    aws_eventbridge: ["event_bus_arn", "role_arn"],
    aws_s3: ["bucket", "prefix", "region", "role_arn"],
  };
  const labels: Record<keyof typeof inputs, [string, string]> = {
    url: ["URL", "Where deliveries are POSTed; https only."],
    // "URL" names the HTTPS field alone (a label that contains it would match it too).
    queue_url: ["Queue", "Its https://sqs… address: a standard or .fifo queue in your account."],
    topic_arn: ["Topic ARN", "A standard or .fifo topic in your account."],
    event_bus_arn: [
      "Event bus ARN",
      "Events arrive with source hookrelay and the event type as detail-type.",
    ],
    bucket: ["Bucket", "Each event is written to <prefix><event type>/<event id>.json."],
    prefix: ["Key prefix", "Optional."],
    region: ["Bucket region", "Optional."],
    role_arn: [
      "Role ARN",
      "The role hookrelay assumes in your account; its policies are shown once created.",
    ],
  };
  const rows = Object.fromEntries(
    (Object.keys(inputs) as (keyof typeof inputs)[]).map((k) => [
      k,
      field(labels[k][0], inputs[k], labels[k][1]),
    ]),
  ) as Record<keyof typeof inputs, HTMLElement>;
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
    for (const [k, row] of Object.entries(rows)) row.hidden = !own[type()].includes(k as keyof typeof inputs);
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
      for (const k of own[type()]) {
        const v = inputs[k].value.trim();
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

/** An AWS endpoint's target in words: the queue URL, the ARN, or s3://bucket/prefix. */
export function targetText(ep: Endpoint): string {
  if (ep.type === "aws_s3")
    return `s3://${ep.bucket ?? ""}/${ep.prefix ?? ""}${ep.region ? ` (${ep.region})` : ""}`;
  return ep.queue_url ?? ep.topic_arn ?? ep.event_bus_arn ?? ep.url;
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
