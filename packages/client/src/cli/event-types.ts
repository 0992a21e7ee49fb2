/** hookrelay event-types list|create: the organization's event-type catalog (docs/api.md). */
import { unwrap } from "../client.js";
import { type Command, flag, intFlag, jsonFlag, UsageError } from "./command.js";
import { details, table } from "./output.js";

export const eventTypesCommands: Record<string, Command> = {
  "event-types list": {
    usage: "",
    async run(ctx) {
      const page = await unwrap(ctx.client().GET("/v1/event-types"));
      ctx.out.result(page, () =>
        table(page.data, ["name", "custom", "retention_days", "description", "created_at"]),
      );
    },
  },
  "event-types create": {
    usage: "--name NAME --description D [--schema JSON_SCHEMA] [--retention-days N]",
    options: {
      name: { type: "string" },
      description: { type: "string" },
      schema: { type: "string" },
      "retention-days": { type: "string" },
    },
    async run(ctx) {
      const name = flag(ctx, "name");
      const description = flag(ctx, "description");
      if (!name || !description) throw new UsageError("missing --name or --description");
      const schema = jsonFlag(ctx, "schema");
      const retention_days = intFlag(ctx, "retention-days");
      const body = {
        name,
        description,
        ...(schema && { schema }),
        ...(retention_days !== undefined && { retention_days }),
      };
      const created = await unwrap(ctx.client().POST("/v1/event-types", { body }));
      ctx.out.result(created, () => details(created));
    },
  },
};
