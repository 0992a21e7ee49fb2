/**
 * hookrelay event-types list|get|create|update|deprecate|archive|delete|export|import: the
 * organization's event-type catalog and each type's lifecycle (docs/event-types.md).
 */
import { readFile, writeFile } from "node:fs/promises";
import { unwrap } from "../client.js";
import { arg, type Command, type Context, flag, intFlag, jsonFlag, UsageError } from "./command.js";
import { details, table } from "./output.js";

type Change = {
  description?: string;
  schema?: Record<string, unknown> | null;
  status?: "active" | "deprecated" | "archived";
  deprecation_note?: string;
};

async function change(ctx: Context, body: Change): Promise<void> {
  const name = arg(ctx, 0, "NAME");
  const changed = await unwrap(
    ctx.client().PATCH("/v1/event-types/{name}", { params: { path: { name } }, body }),
  );
  ctx.out.result(changed, () => details(changed));
}

export const eventTypesCommands: Record<string, Command> = {
  "event-types list": {
    usage: "",
    async run(ctx) {
      const page = await unwrap(ctx.client().GET("/v1/event-types"));
      ctx.out.result(page, () =>
        table(page.data, [
          "name",
          "custom",
          "retention_days",
          "description",
          "status",
          "schema_version",
          "created_at",
        ]),
      );
    },
  },
  "event-types get": {
    usage: "NAME",
    async run(ctx) {
      const name = arg(ctx, 0, "NAME");
      const type = await unwrap(ctx.client().GET("/v1/event-types/{name}", { params: { path: { name } } }));
      ctx.out.result(type, () => details(type));
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
  "event-types update": {
    usage: "NAME [--description D] [--schema JSON_SCHEMA | --no-schema] [--activate]",
    options: {
      description: { type: "string" },
      schema: { type: "string" },
      "no-schema": { type: "boolean" },
      activate: { type: "boolean" },
    },
    async run(ctx) {
      const body: Change = {};
      const description = flag(ctx, "description");
      if (description !== undefined) body.description = description;
      const schema = jsonFlag(ctx, "schema");
      if (schema) body.schema = schema;
      if (ctx.flags["no-schema"] === true) body.schema = null;
      if (ctx.flags.activate === true) body.status = "active";
      if (Object.keys(body).length === 0) throw new UsageError("nothing to change");
      await change(ctx, body);
    },
  },
  "event-types deprecate": {
    usage: "NAME [--note 'Use … instead']",
    options: { note: { type: "string" } },
    async run(ctx) {
      const note = flag(ctx, "note");
      await change(ctx, { status: "deprecated", ...(note && { deprecation_note: note }) });
    },
  },
  "event-types archive": {
    usage: "NAME",
    run: (ctx) => change(ctx, { status: "archived" }),
  },
  "event-types delete": {
    usage: "NAME",
    async run(ctx) {
      const name = arg(ctx, 0, "NAME");
      await unwrap(ctx.client().DELETE("/v1/event-types/{name}", { params: { path: { name } } }));
      ctx.out.result({ deleted: name }, () => `deleted ${name}`);
    },
  },
  "event-types export": {
    usage: "[--out FILE]   # the catalog as an OpenAPI 3.1 document (stdout without --out)",
    options: { out: { type: "string" } },
    async run(ctx) {
      const doc = await unwrap(ctx.client().GET("/v1/event-types/openapi.json"));
      const text = `${JSON.stringify(doc, null, 2)}\n`;
      const out = flag(ctx, "out");
      if (!out) {
        process.stdout.write(text);
        return;
      }
      await writeFile(out, text);
      ctx.out.result({ written: out }, () => `wrote ${out}`);
    },
  },
  "event-types import": {
    usage: "FILE   # an OpenAPI 3.1 document's webhooks: creates or updates each type",
    async run(ctx) {
      const file = arg(ctx, 0, "FILE");
      let doc: Record<string, unknown>;
      try {
        doc = JSON.parse(await readFile(file, "utf8"));
      } catch (err) {
        throw new UsageError(`${file} is not a JSON document: ${(err as Error).message}`);
      }
      const res = await unwrap(ctx.client().POST("/v1/event-types/import", { body: doc }));
      ctx.out.result(res, () => table(res.data, ["name", "action", "schema_version"]));
    },
  },
};
