/**
 * hookrelay attempts tail: the latest attempts, then new ones as they are made (polling the
 * attempt log, newest first, and printing what was not printed yet, oldest first).
 */
import { type Schemas, unwrap } from "../client.js";
import { type Command, type Context, choiceFlag, flag, intFlag } from "./command.js";
import { table } from "./output.js";

type Attempt = Schemas["Attempt"];
const columns = [
  "timestamp",
  "endpoint_id",
  "msg_id",
  "attempt",
  "status",
  "status_code",
  "latency_ms",
  "error",
];

async function latest(ctx: Context, status: "succeeded" | "failed" | undefined): Promise<Attempt[]> {
  const client = ctx.client();
  const query = { limit: 50, status };
  const event = flag(ctx, "event");
  if (event) {
    const page = await unwrap(
      client.GET("/v1/events/{id}/attempts", { params: { path: { id: event }, query } }),
    );
    return page.data;
  }
  let ids = [flag(ctx, "endpoint")].filter((x): x is string => Boolean(x));
  if (ids.length === 0) {
    const eps = await unwrap(client.GET("/v1/webhook-endpoints", { params: { query: { limit: 100 } } }));
    ids = eps.data.map((e) => e.id);
  }
  const pages = await Promise.all(
    ids.map((id) =>
      unwrap(client.GET("/v1/webhook-endpoints/{id}/attempts", { params: { path: { id }, query } })),
    ),
  );
  return pages.flatMap((p) => p.data);
}

export const attemptsCommands: Record<string, Command> = {
  "attempts tail": {
    usage:
      "[--endpoint ID | --event ID] [--status succeeded|failed] [--last N] [--count N] [--interval SECONDS]",
    options: {
      endpoint: { type: "string" },
      event: { type: "string" },
      status: { type: "string" },
      last: { type: "string" },
      count: { type: "string" },
      interval: { type: "string" },
    },
    async run(ctx) {
      const status = choiceFlag(ctx, "status", ["succeeded", "failed"]);
      const last = intFlag(ctx, "last") ?? 10;
      const count = intFlag(ctx, "count") ?? Number.POSITIVE_INFINITY;
      const intervalMs = (Number(flag(ctx, "interval") ?? 2) || 2) * 1000;
      const seen = new Set<string>();
      let printed = 0;
      let first = true;
      let header = !ctx.out.json;
      for (;;) {
        const fresh = (await latest(ctx, status))
          .filter((a) => !seen.has(a.id))
          .sort((a, b) => a.timestamp.localeCompare(b.timestamp) || a.id.localeCompare(b.id));
        const shown = first ? fresh.slice(-last) : fresh;
        for (const a of fresh) seen.add(a.id);
        for (const a of shown.slice(0, count - printed)) {
          // One JSON object per line with --json (NDJSON), so a script can read as it goes.
          if (ctx.out.json) process.stdout.write(`${JSON.stringify(a)}\n`);
          else {
            const lines = table([a], columns).split("\n");
            process.stdout.write(`${(header ? lines : lines.slice(1)).join("\n")}\n`);
            header = false;
          }
          printed++;
        }
        if (printed >= count) return;
        if (first) ctx.out.progress(`following new attempts every ${intervalMs / 1000} s (Ctrl-C to stop)`);
        first = false;
        await new Promise((r) => setTimeout(r, intervalMs));
      }
    },
  },
};
