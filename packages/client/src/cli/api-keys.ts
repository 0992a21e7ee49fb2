/** hookrelay api-keys list|create|revoke: the organization's API keys (admin keys only). */
import { unwrap } from "../client.js";
import { arg, type Command, choiceFlag, flag, pageOptions, pageQuery, UsageError } from "./command.js";
import { details, pageTable } from "./output.js";

export const apiKeysCommands: Record<string, Command> = {
  "api-keys list": {
    usage: "[--limit N] [--cursor C]",
    options: pageOptions,
    async run(ctx) {
      const page = await unwrap(ctx.client().GET("/v1/api-keys", { params: { query: pageQuery(ctx) } }));
      ctx.out.result(page, () =>
        pageTable(page, ["id", "name", "role", "mode", "prefix", "created_at", "revoked_at"]),
      );
    },
  },
  "api-keys create": {
    usage: "--role admin|member|viewer [--name NAME] [--mode live|test]",
    options: { role: { type: "string" }, name: { type: "string" }, mode: { type: "string" } },
    async run(ctx) {
      const role = choiceFlag(ctx, "role", ["admin", "member", "viewer"]);
      if (!role) throw new UsageError("missing --role");
      const mode = choiceFlag(ctx, "mode", ["live", "test"]);
      const name = flag(ctx, "name");
      const body = { role, ...(name !== undefined && { name }), ...(mode && { mode }) };
      const key = await unwrap(ctx.client().POST("/v1/api-keys", { body }));
      ctx.out.result(key, () => `${details(key)}\n\nThe key is shown only now: store it.`);
    },
  },
  "api-keys revoke": {
    usage: "<key_id>",
    async run(ctx) {
      const id = arg(ctx, 0, "key id");
      await unwrap(ctx.client().DELETE("/v1/api-keys/{id}", { params: { path: { id } } }));
      ctx.out.result({ id, revoked: true }, () => `revoked ${id}`);
    },
  },
};
