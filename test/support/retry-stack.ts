/**
 * The production delivery and maintenance handlers over in-memory adapters, with a clock the test
 * moves: each event fails `failures` times at each endpoint, attempt 2 waits 20 min (beyond a
 * re-send), so its retry waits in the table for its endpoint's run (core/delivery/waiting.ts).
 */
import { createMemoryContext } from "../../core/compose.js";
import {
  createDeliveryHandler,
  createMaintenanceHandler,
  memoryDestination,
} from "../../core/delivery/index.js";
import { createIngestHandler } from "../../core/events/index.js";
import type { ScheduleEntry } from "../../core/model/index.js";

/** Attempt 2 fails and waits 20 min (± 10 % jitter): beyond a re-send, so a schedule. */
export const LONG_WAIT_S = 1200;

export function retryStack(env: Record<string, string>, failures: number) {
  let clock = Date.parse("2026-01-01T00:00:00Z");
  const calls = new Map<string, number>();
  const sentAt = new Map<string, number[]>();
  const destination = memoryDestination((req) => {
    // Each event fails `failures` times at each endpoint, then succeeds.
    const key = `${req.url}#${req.headers["webhook-id"]}`;
    const n = (calls.get(key) ?? 0) + 1;
    calls.set(key, n);
    sentAt.set(req.url, [...(sentAt.get(req.url) ?? []), clock]);
    return { status: n <= failures ? 500 : 200 };
  });
  const ctx = createMemoryContext({
    now: () => new Date(clock),
    destination,
    env: { RETRY_SCHEDULE: `1,${LONG_WAIT_S},1`, ...env },
  });
  const ingest = createIngestHandler(ctx.deps);
  const deliver = createDeliveryHandler(ctx.deps, { random: () => 0.5 });
  // A retry's schedule is its endpoint's waiting run for its due minute (core/delivery/waiting.ts).
  const maintenance = createMaintenanceHandler(ctx.deps);
  const scheduled: { at: number; entry: ScheduleEntry }[] = [];
  const drain = async () => {
    while ((await ctx.queue.invoke("ingest", ingest)) + (await ctx.queue.invoke("delivery", deliver)) > 0);
  };
  return {
    ...ctx,
    destination,
    sentAt,
    scheduled,
    /** The scheduler as the test wants it: recording every call, refusing them all when `refuse`. */
    schedulerRefuses(refuse: boolean) {
      const real = ctx.scheduler.schedule.bind(ctx.scheduler);
      ctx.deps.scheduler = {
        ...ctx.scheduler,
        schedule: async (entry) => {
          scheduled.push({ at: clock, entry });
          if (refuse) throw new Error("ThrottlingException: Rate exceeded");
          return real(entry);
        },
      };
    },
    publish: (org: string, n = 1, extra: Record<string, unknown> = {}) =>
      ctx.queue.send(
        "ingest",
        Array.from({ length: n }, (_, i) => ({
          id: `${org}-${i}`,
          body: JSON.stringify({ org_id: org, type: "telephony.complete", data: { i }, ...extra }),
        })),
      ),
    /** Runs every queue and due schedule until `until` (virtual ms), jumping from one timer to the next; the clock ends at `until`. */
    async runUntil(until: number) {
      await drain();
      for (;;) {
        const next = Math.min(
          ctx.queue.nextVisibleAt("delivery") ?? Infinity,
          ctx.scheduler.nextDueAt() ?? Infinity,
        );
        if (next > until) {
          clock = until;
          return;
        }
        clock = next;
        await ctx.scheduler.fireDue(new Date(clock), maintenance);
        await drain();
      }
    },
    now: () => clock,
  };
}
