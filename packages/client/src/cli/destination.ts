/**
 * The endpoint flags of where it delivers (docs/destinations.md), and what `endpoints create`
 * prints of an AWS endpoint: its external id and the two policies its role needs, as the view
 * gives them. (How it orders is a setting: settings.ts.)
 */
import { DESTINATION_FIELDS, ENDPOINT_TYPES } from "../../generated/destinations.js";
import { type Context, choiceFlag, flag } from "./command.js";
import { safe } from "./output.js";

export { ENDPOINT_TYPES };

// Each AWS type's own body fields, made from the OpenAPI document by `npm run generate`
// (scripts/openapi-destinations.ts): a type the server adds needs no edit here.
const members = Object.values(DESTINATION_FIELDS);
/** Body field → its flag (`queue_url` → `--queue-url`), for every AWS type's fields. */
const AWS_FIELDS = Object.fromEntries(
  members.flatMap((m) => m.map((f) => [f.name.replaceAll("_", "-"), f.name] as const)),
);
/** The fields every AWS type takes (the role). */
const common = new Set(
  Object.values(AWS_FIELDS).filter((name) => members.every((m) => m.some((f) => f.name === name))),
);

const flagText = (f: { name: string; required: boolean }) => {
  const text = `--${f.name.replaceAll("_", "-")} ${f.name.split("_").at(-1)!.charAt(0).toUpperCase()}`;
  return f.required ? text : `[${text}]`;
};

export const destinationOptions = {
  type: { type: "string" },
  ...Object.fromEntries(Object.keys(AWS_FIELDS).map((name) => [name, { type: "string" } as const])),
} as const;

export const destinationUsage = [
  `[--type ${ENDPOINT_TYPES.join("|")}]`,
  `[${members
    .map((m) =>
      m
        .filter((f) => !common.has(f.name))
        .map(flagText)
        .join(" "),
    )
    .join(" | ")}]`,
  ...[...common].map((name) => `[${flagText({ name, required: true })}]`),
].join(" ");

/** The body fields these flags give; omitted flags are omitted. */
export function destinationBody(ctx: Context) {
  const out: Record<string, string | null> = {};
  const type = choiceFlag(ctx, "type", ENDPOINT_TYPES);
  if (type !== undefined) out.type = type;
  for (const [name, field] of Object.entries(AWS_FIELDS)) {
    const v = flag(ctx, name);
    if (v !== undefined) out[field] = v;
  }
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
