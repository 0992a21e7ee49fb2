/**
 * The retention guard's I/O (the rule: policy/queue-age.ts): a task that waited on its queue
 * too long is parked in the table only once a resume of its endpoint is scheduled, so what is
 * parked always comes back; when the scheduler refuses, the task is tried as usual instead.
 * One resume per endpoint per minute per process (the run's name dedupes across processes).
 */
import type { SQSRecord } from "aws-lambda";
import type { Deps } from "../deps.js";
import { scheduleResume } from "../endpoints/index.js";
import { type Lru, lru } from "../lib/index.js";
import { logger } from "../log/index.js";
import type { EndpointRecord } from "../model/index.js";
import type { DecideContext } from "./policy/decide.js";
import type { Effect, Task } from "./policy/effects.js";
import { parkIfQueuedTooLong } from "./policy/queue-age.js";

// The minute of the last resume each endpoint had scheduled here: bounded like the process's
// other caches (core/lib/lru.ts); forgetting an endpoint costs one more (deduped) schedule call.
const scheduled = new WeakMap<Deps, Lru<number>>();
const MEMO_ENDPOINTS = 10_000;

export async function parkIfAged(
  deps: Deps,
  record: SQSRecord,
  task: Task,
  endpoint: EndpointRecord | undefined,
  ctx: DecideContext,
): Promise<Effect[] | undefined> {
  const sent = Number(record.attributes?.SentTimestamp);
  if (!endpoint || !Number.isFinite(sent)) return undefined;
  const parked = parkIfQueuedTooLong(task, { ...ctx, queuedAt: new Date(sent) });
  if (!parked) return undefined;
  const minute = Math.floor(ctx.now.getTime() / 60_000);
  const memo = scheduled.get(deps) ?? lru<number>({ maxEntries: MEMO_ENDPOINTS, maxWeight: MEMO_ENDPOINTS });
  scheduled.set(deps, memo);
  const key = `${endpoint.org_id}/${endpoint.id}`;
  if (memo.get(key) !== minute) {
    try {
      await scheduleResume(deps, endpoint, { kind: "aged" });
      memo.set(key, minute, 1);
    } catch (err) {
      logger.warn("a task queued too long is tried: its resume was not scheduled", {
        org_id: endpoint.org_id,
        endpoint_id: endpoint.id,
        error: (err as Error)?.message,
      });
      return undefined;
    }
  }
  logger.warn("task queued too long parked", { org_id: task.org_id, msg_id: task.msg_id });
  return parked;
}
