/**
 * hookrelay retention get|set: how long the organization's event payloads are kept; hookrelay
 * erasures start|get|list and events erase-payload: erasing them (docs/data.md).
 */
import { unwrap } from "../client.js";
import { arg, type Command, pageOptions, pageQuery, UsageError } from "./command.js";
import { details, table } from "./output.js";

/** `--days` of `retention set`: an integer day count, or `default`. */
function daysArg(value: string): number | null {
  if (value === "default") return null;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UsageError(`days must be an integer or "default", got ${value}`);
  return n;
}

export const dataCommands: Record<string, Command> = {
  "retention get": {
    usage: "",
    async run(ctx) {
      const r = await unwrap(ctx.client().GET("/v1/retention"));
      ctx.out.result(r, () =>
        [
          `payloads are kept ${r.days} days (${r.source}; default ${r.default_days}, bounds ${r.min_days}-${r.max_days})`,
          r.event_types.length ? table(r.event_types, ["name", "retention_days"]) : "",
        ]
          .filter(Boolean)
          .join("\n"),
      );
    },
  },
  "retention set": {
    usage: "<days|default>",
    async run(ctx) {
      const days = daysArg(arg(ctx, 0, "days"));
      const r = await unwrap(ctx.client().PUT("/v1/retention", { body: { days } }));
      ctx.out.result(r, () => details(r));
    },
  },
  "erasures start": {
    usage: "<subject>",
    async run(ctx) {
      const subject = arg(ctx, 0, "subject");
      const r = await unwrap(ctx.client().POST("/v1/erasures", { body: { subject } }));
      ctx.out.result(r, () => details(r));
    },
  },
  "erasures get": {
    usage: "<erasure_id>",
    async run(ctx) {
      const id = arg(ctx, 0, "erasure id");
      const r = await unwrap(ctx.client().GET("/v1/erasures/{id}", { params: { path: { id } } }));
      ctx.out.result(r, () => details(r));
    },
  },
  "erasures list": {
    usage: "[--limit N] [--cursor C]",
    options: pageOptions,
    async run(ctx) {
      const page = await unwrap(ctx.client().GET("/v1/erasures", { params: { query: pageQuery(ctx) } }));
      ctx.out.result(page, () =>
        table(page.data, ["id", "kind", "status", "erased", "requested_by", "requested_at", "event_id"]),
      );
    },
  },
  "events erase-payload": {
    usage: "<event_id>",
    async run(ctx) {
      const id = arg(ctx, 0, "event id");
      const r = await unwrap(ctx.client().DELETE("/v1/events/{id}/payload", { params: { path: { id } } }));
      ctx.out.result(r, () => details(r));
    },
  },
};
