/**
 * Schedules asked for once per endpoint and minute per process, whatever the number of tasks
 * wanting one: the retention guard's resume (`scheduleResume` with `aged`, core/delivery/
 * execute-now.ts) and a waiting retry's run (core/delivery/waiting.ts). Across processes the
 * schedule's name dedupes them. A schedule refused is logged, and the caller falls back (tries
 * the task instead of parking it, keeps the retry on the queue).
 */
import { lruPer } from "../lib/index.js";
import { logger } from "../log/index.js";

/**
 * A memo of the schedules asked for, per owner (a composition root's `healthMemos`, so every
 * context the root hands out sees one memo) and key (the endpoint and its minute). It holds the
 * ask itself, so a batch's tasks decided together make one call; an ask that came back false (or
 * threw) is forgotten, and the next task asks again. Bounded like the process's other caches
 * (core/lib/lru.ts): forgetting one costs one more call, which the name dedupes.
 */
export function scheduleOnce<O extends object>(
  maxEntries: number,
): (owner: O, key: string, ask: () => Promise<boolean>) => Promise<boolean> {
  const memos = lruPer<O, Promise<boolean>>({ maxEntries, maxWeight: maxEntries });
  return (owner, key, ask) => {
    const memo = memos(owner);
    let asked = memo.get(key);
    if (!asked) {
      asked = ask();
      memo.set(key, asked, 1);
      // An ask that threw is forgotten too (its callers get the error): kept, every later task
      // would get that error, and the derived promise's rejection would go unhandled.
      void asked.then(
        (made) => made || memo.delete(key),
        () => memo.delete(key),
      );
    }
    return asked;
  };
}

/** True once `schedule` is done; false when it threw, logged as `refused` with the endpoint. */
export async function scheduled(
  schedule: () => Promise<unknown>,
  refused: string,
  endpoint: { org_id: string; endpoint_id: string },
): Promise<boolean> {
  try {
    await schedule();
    return true;
  } catch (err) {
    logger.warn(refused, { ...endpoint, error: (err as Error)?.message });
    return false;
  }
}
