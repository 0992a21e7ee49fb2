/** hookrelay endpoints secret|rotate-secret|test: the actions on one endpoint beyond its settings. */
import { unwrap } from "../client.js";
import { arg, type Command, choiceFlag, flag } from "./command.js";
import { details } from "./output.js";

export const endpointActionCommands: Record<string, Command> = {
  "endpoints secret": {
    usage: "<endpoint_id>",
    async run(ctx) {
      const id = arg(ctx, 0, "endpoint id");
      const secret = await unwrap(
        ctx.client().GET("/v1/webhook-endpoints/{id}/secret", { params: { path: { id } } }),
      );
      ctx.out.result(secret, () => details(secret));
    },
  },
  "endpoints rotate-secret": {
    usage: "<endpoint_id> [--signing-version v1|v1a]",
    options: { "signing-version": { type: "string" } },
    async run(ctx) {
      const id = arg(ctx, 0, "endpoint id");
      const version = choiceFlag(ctx, "signing-version", ["v1", "v1a"]);
      const ep = await unwrap(
        ctx.client().POST("/v1/webhook-endpoints/{id}/rotate-secret", {
          params: { path: { id } },
          body: version ? { signing_version: version } : {},
        }),
      );
      // The old secret keeps signing during the grace period: receivers have time to switch.
      ctx.out.result(ep, () => `${details(ep)}\n\nThe new secret is shown only now: store it.`);
    },
  },
  "endpoints test": {
    usage: "<endpoint_id> [--event-type T]",
    options: { "event-type": { type: "string" } },
    async run(ctx) {
      const id = arg(ctx, 0, "endpoint id");
      const eventType = flag(ctx, "event-type");
      const res = await unwrap(
        ctx.client().POST("/v1/webhook-endpoints/{id}/test", {
          params: { path: { id } },
          body: eventType ? { event_type: eventType } : {},
        }),
      );
      ctx.out.result(res, () => details(res));
    },
  },
};
