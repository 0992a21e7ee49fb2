/** hookrelay resend | recover: deliver again, one delivery or every recoverable one since a time. */
import { unwrap } from "../client.js";
import { arg, type Command, flag, UsageError } from "./command.js";
import { details } from "./output.js";

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
    usage: "<endpoint_id> --since ISO_TIME",
    options: { since: { type: "string" } },
    async run(ctx) {
      const id = arg(ctx, 0, "endpoint id");
      const since = flag(ctx, "since");
      if (!since) throw new UsageError("missing --since");
      // The service re-enqueues at most 1000 per call; call again until nothing more remains.
      const total = { count: 0, expired: 0, calls: 0 };
      for (;;) {
        const res = await unwrap(
          ctx.client().POST("/v1/webhook-endpoints/{id}/recover", {
            params: { path: { id } },
            body: { since },
          }),
        );
        total.count += res.count;
        total.expired += res.expired;
        total.calls++;
        if (!res.more) break;
        ctx.out.progress(`recovering… ${total.count} re-enqueued so far`);
      }
      ctx.out.result(total, () => `re-enqueued ${total.count} delivery(ies); ${total.expired} expired`);
    },
  },
};
