/**
 * hookrelay resend | recover | replay: deliver again, one delivery, every recoverable one
 * since a time (a recover task), or a replay task (`--wait` follows a task with a progress bar).
 */
import { unwrap } from "../client.js";
import { arg, type Command, choiceFlag, flag, UsageError } from "./command.js";
import { details } from "./output.js";
import { startedTask } from "./tasks.js";

export const recoveryCommands: Record<string, Command> = {
  resend: {
    usage: "<event_id> <endpoint_id>",
    async run(ctx) {
      const id = arg(ctx, 0, "event id");
      const endpoint_id = arg(ctx, 1, "endpoint id");
      const res = await unwrap(
        ctx.client().POST("/v1/events/{id}/endpoints/{endpoint_id}/resend", {
          params: { path: { id, endpoint_id } },
        }),
      );
      ctx.out.result(res, () => details(res));
    },
  },
  recover: {
    usage: "<endpoint_id> --since ISO_TIME [--wait]",
    options: { since: { type: "string" }, wait: { type: "boolean" } },
    async run(ctx) {
      const id = arg(ctx, 0, "endpoint id");
      const since = flag(ctx, "since");
      if (!since) throw new UsageError("missing --since");
      // A tracked task: every recoverable delivery, whatever their number.
      const started = await unwrap(
        ctx
          .client()
          .POST("/v1/webhook-endpoints/{id}/recover", { params: { path: { id } }, body: { since } }),
      );
      await startedTask(ctx, started.task_id);
    },
  },
  replay: {
    usage:
      "<endpoint_id> --since ISO_TIME [--until ISO_TIME] [--status failed|skipped|all] [--event-type T ...] [--wait]",
    options: {
      since: { type: "string" },
      until: { type: "string" },
      status: { type: "string" },
      "event-type": { type: "string", multiple: true },
      wait: { type: "boolean" },
    },
    async run(ctx) {
      const id = arg(ctx, 0, "endpoint id");
      const since = flag(ctx, "since");
      if (!since) throw new UsageError("missing --since");
      const until = flag(ctx, "until");
      const status = choiceFlag(ctx, "status", ["failed", "skipped", "all"]);
      const types = ctx.flags["event-type"];
      const body = {
        since,
        ...(until && { until }),
        status: status ?? "failed",
        ...(Array.isArray(types) && types.length > 0 && { event_types: types }),
      };
      const started = await unwrap(
        ctx.client().POST("/v1/webhook-endpoints/{id}/replay", { params: { path: { id } }, body }),
      );
      await startedTask(ctx, started.task_id);
    },
  },
};
