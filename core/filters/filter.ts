/**
 * Payload filters as the service uses them (docs/filters.md): checking one an API caller
 * gives, and deciding at fan-out whether an event passes an endpoint's stored filter.
 *
 * A filter is stored as its JSON text (DynamoDB maps cannot hold every JSON key, and a
 * text is compiled once per process, see `compiled`).
 */
import { lru } from "../lib/index.js";
import { logger } from "../log/index.js";
import { FILTER_STEPS, type MessageRecord, ServiceError } from "../model/index.js";
import { type Cond, compileFilter, FilterError, jsonSize } from "./compile.js";
import { type Budget, evaluate, FilterBudgetExceeded } from "./evaluate.js";

/**
 * The compiled-filter cache's bounds. An entry weighs an estimate of its heap: 64 bytes per
 * JSON value of the filter plus 4 per byte of its text (measured with --expose-gc: a filter
 * of 500 small values, 1 KB of text, holds ~25 KB; one of 500 strings, 7 KB, ~22 KB), so the
 * largest filter (512 values, 8 KiB) weighs ~64 KB and 16 MiB holds at least 256 of them.
 */
export const FILTER_CACHE = { maxEntries: 1000, maxBytes: 16 * 1024 * 1024 } as const;
const weightOf = (text: string, values: number) => values * 64 + text.length * 4;

/** Stored filters, compiled, by text (least recently used first out). */
const cache = lru<Cond>({ maxEntries: FILTER_CACHE.maxEntries, maxWeight: FILTER_CACHE.maxBytes });

/** The cache's size now (for the test that it stays bounded). */
export const filterCacheUsage = () => ({ entries: cache.size, bytes: cache.weight });

/** Checks a caller's filter; its stored text, or null to clear. 400 `invalid_filter` names the path. */
export function checkFilter(filter: unknown): string | null {
  if (filter === null) return null;
  try {
    compileFilter(filter);
  } catch (err) {
    if (!(err instanceof FilterError)) throw err;
    throw new ServiceError(400, "invalid_filter", `invalid filter: ${err.message}`, {
      path: err.issue.path,
      reason: err.issue.message,
    });
  }
  return JSON.stringify(filter);
}

function compiled(text: string): Cond {
  const hit = cache.get(text);
  if (hit) return hit;
  const parsed: unknown = JSON.parse(text);
  const c = compileFilter(parsed);
  cache.set(text, c, weightOf(text, jsonSize(parsed)));
  return c;
}

/** What a filter sees: the JSON body the receiver gets (`agent_id` only when there is one). */
export function filterInput(m: Pick<MessageRecord, "id" | "type" | "created_at" | "agent_id" | "data">) {
  return {
    id: m.id,
    type: m.type,
    timestamp: m.created_at,
    ...(m.agent_id !== null ? { agent_id: m.agent_id } : {}),
    data: m.data,
  };
}

/**
 * What a filter made of an event: it passes, it is filtered out, or its evaluation ran out
 * of budget (FILTER_STEPS): neither, the caller records it as such (fan-out skips the
 * endpoint's delivery with reason `filter_budget_exceeded`).
 */
export type FilterVerdict = "passes" | "filtered" | "over_budget";

/** The steps one event (or one filter test) may still spend on filters, all endpoints together. */
export interface FilterBudget {
  left: number;
  /** Steps spent so far. */
  spent: number;
}

export const filterBudget = (total: number = FILTER_STEPS.perEvent): FilterBudget => ({
  left: total,
  spent: 0,
});

/**
 * The verdict of a stored filter (none: every event passes) on an event, spending from the
 * event's budget: each evaluation may take FILTER_STEPS.perEvaluation steps, or what is left.
 * A stored filter that no longer compiles (limits tightened since) lets events through:
 * filtering out is silent for the receiver, delivering one event too many is not.
 * `cache: false` for a candidate filter (filter tests): it is compiled, used and dropped.
 */
export function judgeFilter(
  text: string | null | undefined,
  event: unknown,
  budget: FilterBudget,
  opts: { cache?: boolean } = {},
): FilterVerdict {
  if (text === null || text === undefined) return "passes";
  let c: Cond;
  try {
    c = opts.cache === false ? compileFilter(JSON.parse(text)) : compiled(text);
  } catch (err) {
    logger.warn("stored filter does not compile; event passes", { error: String(err) });
    return "passes";
  }
  if (budget.left <= 0) return "over_budget";
  const run: Budget = { steps: 0, limit: Math.min(FILTER_STEPS.perEvaluation, budget.left) };
  try {
    return evaluate(c, event, run) ? "passes" : "filtered";
  } catch (err) {
    if (!(err instanceof FilterBudgetExceeded)) throw err;
    return "over_budget";
  } finally {
    budget.left -= run.steps;
    budget.spent += run.steps;
  }
}
