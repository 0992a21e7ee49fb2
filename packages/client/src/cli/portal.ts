/** hookrelay portal: a customer-portal session, and the link to hand to a customer (docs/portal.md). */
import { unwrap } from "../client.js";
import { type Command, flag, intFlag } from "./command.js";

type Capability = "view" | "manage_endpoints" | "reveal_secret" | "rotate_secret" | "replay" | "send_test";

export const portalCommands: Record<string, Command> = {
  portal: {
    usage:
      "[--org-id ORG] [--agent-id A] [--capability C]... [--event-type T]... [--expires-in SECONDS] [--return-url URL]",
    options: {
      "org-id": { type: "string" },
      "agent-id": { type: "string" },
      capability: { type: "string", multiple: true },
      "event-type": { type: "string", multiple: true },
      "expires-in": { type: "string" },
      "return-url": { type: "string" },
    },
    async run(ctx) {
      // Unknown capabilities are left to the service, which answers 400 with the allowed ones.
      const capabilities = ctx.flags.capability as Capability[] | undefined;
      const eventTypes = ctx.flags["event-type"] as string[] | undefined;
      const body = {
        ...(flag(ctx, "org-id") !== undefined && { org_id: flag(ctx, "org-id") }),
        ...(flag(ctx, "agent-id") !== undefined && { agent_id: flag(ctx, "agent-id") }),
        ...(capabilities && { capabilities }),
        ...(eventTypes && { event_types: eventTypes }),
        ...(intFlag(ctx, "expires-in") !== undefined && { expires_in: intFlag(ctx, "expires-in") }),
        ...(flag(ctx, "return-url") !== undefined && { return_url: flag(ctx, "return-url") }),
      };
      const session = await unwrap(ctx.client().POST("/v1/portal-sessions", { body }));
      // The link is the result (stdout, pipeable); the rest is a note for the person (stderr).
      ctx.out.result(session, () => session.url);
      if (!ctx.out.json)
        ctx.out.progress(
          `session ${session.id}, valid until ${session.expires_at}; anyone with the link can use it`,
        );
    },
  },
};
