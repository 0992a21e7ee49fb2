/**
 * hookrelay retention get|set: how long the organization's event payloads are kept
 * (docs/data.md); the erasure commands are beside them.
 */
import { unwrap } from "../client.js";
import { arg, type Command, UsageError } from "./command.js";
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
};
