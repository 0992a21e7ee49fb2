/** hookrelay events publish|list|get */
import { unwrap } from "../client.js";
import { arg, type Command, flag, jsonFlag, pageOptions, pageQuery, UsageError } from "./command.js";
import { details, pageTable, table } from "./output.js";

export const eventsCommands: Record<string, Command> = {
  "events publish": {
    usage: "--type T --data JSON [--id IDEMPOTENCY_KEY] [--agent-id A] [--deliver-at ISO]",
    options: {
      type: { type: "string" },
      data: { type: "string" },
      id: { type: "string" },
      "agent-id": { type: "string" },
      "deliver-at": { type: "string" },
    },
    async run(ctx) {
      const type = flag(ctx, "type");
      const data = jsonFlag(ctx, "data");
      if (!type || !data) throw new UsageError("missing --type or --data");
      const optional = {
        id: flag(ctx, "id"),
        agent_id: flag(ctx, "agent-id"),
        deliver_at: flag(ctx, "deliver-at"),
      };
      const res = await unwrap(ctx.client().POST("/v1/events", { body: { type, data, ...optional } }));
      ctx.out.result(res, () => details(res));
    },
  },
  "events list": {
    usage: "[--type T] [--limit N] [--cursor C]",
    options: { type: { type: "string" }, ...pageOptions },
    async run(ctx) {
      const query = { type: flag(ctx, "type"), ...pageQuery(ctx) };
      const page = await unwrap(ctx.client().GET("/v1/events", { params: { query } }));
      ctx.out.result(page, () => pageTable(page, ["id", "type", "created_at", "fanout", "agent_id"]));
    },
  },
  "events get": {
    usage: "<event_id>",
    async run(ctx) {
      const id = arg(ctx, 0, "event id");
      const ev = await unwrap(ctx.client().GET("/v1/events/{id}", { params: { path: { id } } }));
      ctx.out.result(ev, () => {
        const { deliveries, ...event } = ev;
        const cols = [
          "endpoint_id",
          "status",
          "attempts",
          "last_status_code",
          "next_attempt_at",
          "last_error",
        ];
        return `${details(event)}\n\n${table(deliveries, cols)}`;
      });
    },
  },
};
