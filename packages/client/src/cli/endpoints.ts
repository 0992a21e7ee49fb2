/** hookrelay endpoints list|get|create|update|delete */
import { unwrap } from "../client.js";
import {
  arg,
  type Command,
  type Context,
  choiceFlag,
  flag,
  intFlag,
  pageOptions,
  pageQuery,
  UsageError,
} from "./command.js";
import {
  destinationBody,
  destinationOptions,
  destinationUsage,
  rolePolicies,
  withoutPolicies,
} from "./destination.js";
import { details, pageTable } from "./output.js";

// An AWS endpoint's url is its target (the queue URL, the ARN, s3://bucket/prefix).
const columns = ["id", "status", "url", "type", "event_types", "label", "consecutive_failures"];

const settings = {
  url: { type: "string" },
  label: { type: "string" },
  description: { type: "string" },
  "event-type": { type: "string", multiple: true },
  "agent-id": { type: "string" },
  "max-retries": { type: "string" },
  "timeout-ms": { type: "string" },
  header: { type: "string", multiple: true },
  status: { type: "string" },
  ...destinationOptions,
  "send-traceparent": { type: "string" },
} as const;

/** The body fields the flags give; omitted flags are omitted (on update: kept as they are). */
function body(ctx: Context) {
  const headers = (ctx.flags.header as string[] | undefined)?.map((h) => {
    const at = h.indexOf(":");
    if (at < 1) throw new UsageError(`--header must be name:value, got ${h}`);
    return [h.slice(0, at).trim(), h.slice(at + 1).trim()] as const;
  });
  const status = choiceFlag(ctx, "status", ["active", "disabled", "paused"]);
  const traceparent = choiceFlag(ctx, "send-traceparent", ["true", "false"]);
  return {
    ...(flag(ctx, "label") !== undefined && { label: flag(ctx, "label") }),
    ...(flag(ctx, "description") !== undefined && { description: flag(ctx, "description") }),
    ...(ctx.flags["event-type"] !== undefined && { event_types: ctx.flags["event-type"] as string[] }),
    ...(flag(ctx, "agent-id") !== undefined && { agent_id: flag(ctx, "agent-id") }),
    ...(intFlag(ctx, "max-retries") !== undefined && { max_retries: intFlag(ctx, "max-retries") }),
    ...(intFlag(ctx, "timeout-ms") !== undefined && { timeout_ms: intFlag(ctx, "timeout-ms") }),
    ...(headers && { headers: Object.fromEntries(headers) }),
    ...(status !== undefined && { status }),
    ...destinationBody(ctx),
    ...(traceparent !== undefined && { send_traceparent: traceparent === "true" }),
  };
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
    usage: `--url URL | --type aws_… <its target> --role-arn A  [--event-type T]… [--label L] [--description D] [--agent-id A] [--max-retries N] [--timeout-ms N] [--header name:value]… [--status active|disabled|paused] [--send-traceparent true|false] ${destinationUsage}`,
    options: settings,
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
    options: settings,
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
