/** hookrelay endpoints list|get|create|update|delete */
import { unwrap } from "../client.js";
import { arg, type Command, type Context, flag, pageOptions, pageQuery, UsageError } from "./command.js";
import {
  destinationBody,
  destinationOptions,
  destinationUsage,
  rolePolicies,
  withoutPolicies,
} from "./destination.js";
import { details, pageTable } from "./output.js";
import { settingOptions, settingsBody, settingsHelp, settingsUsage } from "./settings.js";

// An AWS endpoint's url is its target (the queue URL, the ARN, s3://bucket/prefix).
const columns = ["id", "status", "url", "type", "event_types", "label", "consecutive_failures"];

const options = { url: { type: "string" }, ...settingOptions, ...destinationOptions } as const;
// A setting whose flag a destination flag already has would be shadowed without a word.
const twice = Object.keys(settingOptions).filter((name) => name === "url" || name in destinationOptions);
if (twice.length > 0) throw new Error(`endpoint flags named twice: ${twice.join(", ")}`);

/** The body fields the flags give; omitted flags are omitted (on update: kept as they are). */
function body(ctx: Context) {
  const fields = { ...settingsBody(ctx), ...destinationBody(ctx) };
  // The one rule between two flags the CLI checks itself; the API checks every other.
  if (typeof fields.ordering_key === "string" && fields.ordering === "none")
    throw new UsageError("--ordering-key needs --ordering strict");
  return fields;
}

export const endpointsCommands: Record<string, Command> = {
  "endpoints list": {
    usage: "[--limit N] [--cursor C]",
    options: pageOptions,
    async run(ctx) {
      const page = await unwrap(
        ctx.client().GET("/v1/webhook-endpoints", { params: { query: pageQuery(ctx) } }),
      );
      ctx.out.result(page, () => pageTable(page, columns));
    },
  },
  "endpoints get": {
    usage: "<endpoint_id>",
    async run(ctx) {
      const id = arg(ctx, 0, "endpoint id");
      const ep = await unwrap(ctx.client().GET("/v1/webhook-endpoints/{id}", { params: { path: { id } } }));
      ctx.out.result(ep, () => `${details(withoutPolicies(ep))}${rolePolicies(ep)}`);
    },
  },
  "endpoints create": {
    usage: `--url URL | --type aws_… <its target> --role-arn A  ${settingsUsage} ${destinationUsage}`,
    help: settingsHelp,
    options,
    async run(ctx) {
      const url = flag(ctx, "url");
      const fields = body(ctx);
      const https = (flag(ctx, "type") ?? "https") === "https";
      if (https && !url)
        throw new UsageError("missing --url (or --type aws_… with its target and --role-arn)");
      const create = { ...(url !== undefined && { url }), ...fields };
      // The body is the API's union by `type`; the flags were checked above, the API checks the rest.
      const ep = await unwrap(ctx.client().POST("/v1/webhook-endpoints", { body: create as never }));
      ctx.out.result(
        ep,
        () => `${details(withoutPolicies(ep))}\n\nThe secret is shown only now: store it.${rolePolicies(ep)}`,
      );
    },
  },
  "endpoints update": {
    usage: "<endpoint_id> [--url URL] [--status active|disabled|paused] [… the flags of create]",
    help: settingsHelp,
    options,
    async run(ctx) {
      const id = arg(ctx, 0, "endpoint id");
      const url = flag(ctx, "url");
      const patch = { ...(url !== undefined && { url }), ...body(ctx) };
      if (Object.keys(patch).length === 0) throw new UsageError("nothing to update: give at least one flag");
      const ep = await unwrap(
        ctx.client().PATCH("/v1/webhook-endpoints/{id}", { params: { path: { id } }, body: patch as never }),
      );
      ctx.out.result(ep, () => details(withoutPolicies(ep)));
    },
  },
  "endpoints delete": {
    usage: "<endpoint_id>",
    async run(ctx) {
      const id = arg(ctx, 0, "endpoint id");
      await unwrap(ctx.client().DELETE("/v1/webhook-endpoints/{id}", { params: { path: { id } } }));
      ctx.out.result({ id, deleted: true }, () => `deleted ${id}`);
    },
  },
};
