/**
 * The endpoint flags of where it delivers (docs/destinations.md) and how it orders
 * (docs/delivery.md, "Ordered delivery"), and what `endpoints create` prints of an AWS
 * endpoint: its external id and the two policies its role needs, as the view gives them.
 */
import { type Context, choiceFlag, flag, UsageError } from "./command.js";
import { safe } from "./output.js";

export const ENDPOINT_TYPES = ["https", "aws_sqs", "aws_sns", "aws_eventbridge", "aws_s3"] as const;

export const destinationOptions = {
  type: { type: "string" },
  "queue-url": { type: "string" },
  "topic-arn": { type: "string" },
  "event-bus-arn": { type: "string" },
  bucket: { type: "string" },
  prefix: { type: "string" },
  region: { type: "string" },
  "role-arn": { type: "string" },
  ordering: { type: "string" },
  "ordering-key": { type: "string" },
} as const;

export const destinationUsage =
  "[--type https|aws_sqs|aws_sns|aws_eventbridge|aws_s3] [--queue-url U | --topic-arn A | --event-bus-arn A | --bucket B [--prefix P] [--region R]] [--role-arn A] [--ordering none|strict] [--ordering-key PATH]";

/** Flag → body field, for the AWS ones (each type takes its own; the API refuses the others). */
const AWS_FIELDS = {
  "queue-url": "queue_url",
  "topic-arn": "topic_arn",
  "event-bus-arn": "event_bus_arn",
  bucket: "bucket",
  prefix: "prefix",
  region: "region",
  "role-arn": "role_arn",
} as const;

/** The body fields these flags give; omitted flags are omitted. */
export function destinationBody(ctx: Context) {
  const out: Record<string, string | null> = {};
  const type = choiceFlag(ctx, "type", ENDPOINT_TYPES);
  if (type !== undefined) out.type = type;
  for (const [name, field] of Object.entries(AWS_FIELDS)) {
    const v = flag(ctx, name);
    if (v !== undefined) out[field] = v;
  }
  const ordering = choiceFlag(ctx, "ordering", ["none", "strict"] as const);
  const key = flag(ctx, "ordering-key");
  if (key !== undefined && ordering === "none")
    throw new UsageError("--ordering-key needs --ordering strict");
  if (ordering !== undefined) out.ordering = ordering;
  if (key !== undefined) out.ordering_key = key;
  return out;
}

type View = Record<string, unknown>;

/** The view without its policies (printed apart, as paste-ready JSON). */
export function withoutPolicies(ep: View): View {
  const { trust_policy: _t, permission_policy: _p, ...rest } = ep;
  return rest;
}

/** What to give the role of an AWS endpoint: empty for an https one. */
export function rolePolicies(ep: View): string {
  if (!ep.trust_policy) return "";
  const text = (doc: unknown) => JSON.stringify(doc, null, 2);
  return [
    "",
    `hookrelay assumes ${ep.role_arn} with the external id ${ep.external_id} (not a secret; it never changes).`,
    "Give the role this trust policy:",
    text(ep.trust_policy),
    "",
    "and this permission policy:",
    text(ep.permission_policy),
  ]
    .flatMap((block) => block.split("\n"))
    .map(safe)
    .join("\n");
}
