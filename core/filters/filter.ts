/**
 * Payload filters as the service uses them (docs/filters.md): checking one an API caller
 * gives, and deciding at fan-out whether an event passes an endpoint's stored filter.
 *
 * A filter is stored as its JSON text (DynamoDB maps cannot hold every JSON key, and a
 * text is compiled once per process, see `compiled`).
 */
import { logger } from "../log/index.js";
import { type MessageRecord, ServiceError } from "../model/index.js";
import { type Cond, compileFilter, FilterError } from "./compile.js";
import { type Budget, evaluate } from "./evaluate.js";

/** Compiled filters by text: endpoints are few per organization, so this stays small. */
const cache = new Map<string, Cond>();
const MAX_CACHED = 1000;

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
  const c = compileFilter(JSON.parse(text));
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(text, c);
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
 * Whether an event passes a stored filter (none: every event passes). A stored filter that
 * no longer compiles (limits tightened since) lets events through: filtering out is
 * silent for the receiver, delivering one event too many is not.
 */
export function passesFilter(text: string | null | undefined, event: unknown, budget?: Budget): boolean {
  if (text === null || text === undefined) return true;
  let c: Cond;
  try {
    c = compiled(text);
  } catch (err) {
    logger.warn("stored filter does not compile; event passes", { error: String(err) });
    return true;
  }
  return evaluate(c, event, budget);
}
