/**
 * The production ingest and delivery handlers on in-memory adapters (core/compose.ts
 * createMemoryContext), no emulator, with a clock the test moves and a recording destination:
 *
 *   const s = memoryStack(() => ({ status: 503 }));    // how the destination answers
 *   await s.publish({ org_id, type, data }); await s.drain(); s.advance(60_000);
 */
import { createMemoryContext } from "../../core/compose.js";
import { createDeliveryHandler, memoryDestination } from "../../core/delivery/index.js";
import { createIngestHandler } from "../../core/events/index.js";

/** Where every memory stack's clock starts. */
export const MEMORY_START = Date.parse("2026-01-01T00:00:00Z");

export function memoryStack(respond?: Parameters<typeof memoryDestination>[0]) {
  let clock = MEMORY_START;
  const destination = memoryDestination(respond);
  const ctx = createMemoryContext({ now: () => new Date(clock), destination });
  const ingest = createIngestHandler(ctx.deps);
  const deliver = createDeliveryHandler(ctx.deps);
  let n = 0;
  return {
    ...ctx,
    destination,
    advance: (ms: number) => {
      clock += ms;
    },
    /** Sends the event to the ingest queue, each under a message id of its own. */
    publish: (event: Record<string, unknown>) =>
      ctx.queue.send("ingest", [{ id: String(++n), body: JSON.stringify(event) }]),
    /** Runs the ingest and delivery handlers until both queues have nothing visible. */
    drain: async () => {
      while ((await ctx.queue.invoke("ingest", ingest)) + (await ctx.queue.invoke("delivery", deliver)) > 0);
    },
  };
}

export type MemoryStack = ReturnType<typeof memoryStack>;
