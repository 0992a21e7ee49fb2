/**
 * This process's health memos and what they hold (core/delivery/health.ts writes, this module
 * keeps the books): the memo of each endpoint, the keys of those holding health not written
 * yet, which of them are due (policy/write-behind.ts), and the one timer per process that
 * writes what no batch does.
 */
import type { HealthMemo, Uses } from "../deps.js";
import { armHeldTimer, disarmHeldTimer, type HeldTimer } from "../lib/index.js";
import type { EndpointRecord } from "../model/index.js";
import { type Observed, summarize, writeDueAt } from "./policy/write-behind.js";

type HeldDeps = Uses<"healthMemos" | "now">;

export const keyOf = (endpoint: Pick<EndpointRecord, "org_id" | "id">) => `${endpoint.org_id}/${endpoint.id}`;

/** This process's memo of the endpoint's health writes (the root's `healthMemos`). */
export function memoOf(deps: HeldDeps, endpoint: EndpointRecord): HealthMemo {
  const key = keyOf(endpoint);
  let memo = deps.healthMemos.get(key);
  if (!memo) {
    memo = {};
    deps.healthMemos.set(key, memo);
  }
  return memo;
}

/** Per root (its `healthMemos`): the keys of memos holding health not yet written, and the timer. */
interface Held extends HeldTimer {
  keys: Set<string>;
  /**
   * No memo held here is due before this (ms): a bound each hold lowers to its own due time and
   * the timer's look sets (`armFlush`), so a batch finds nothing due without a look at them all.
   */
  earliest?: number;
}
const holding = new WeakMap<HeldDeps["healthMemos"], Held>();
function heldOf(deps: HeldDeps): Held {
  const held = holding.get(deps.healthMemos) ?? { keys: new Set<string>() };
  holding.set(deps.healthMemos, held);
  return held;
}

/**
 * `all` (what was held, and the batch's) is held, summarized, until due, with whatever another
 * batch held meanwhile; `flush` writes it if no batch does.
 */
export function hold(
  deps: HeldDeps,
  endpoint: EndpointRecord,
  { memo, all }: { memo: HealthMemo; all: NonNullable<HealthMemo["held"]> },
  flush: () => Promise<void>,
): void {
  const key = keyOf(endpoint);
  memo.held = summarize([...(memo.held ?? []), ...all]);
  memo.heldEndpoint = endpoint;
  heldOf(deps).keys.add(key);
  // Held now, so kept (the bounded memo never drops one that holds): back in, should the memo
  // have been dropped while a write was out.
  if (deps.healthMemos.get(key) !== memo) deps.healthMemos.set(key, memo);
  armFlush(deps, flush, writeDueAt(memo, memo.held));
}

/** What the endpoint's memo held is taken by a write (or held again by `hold`). */
export function release(deps: HeldDeps, endpoint: EndpointRecord, memo: HealthMemo): void {
  memo.held = undefined;
  heldOf(deps).keys.delete(keyOf(endpoint));
}

/**
 * The memos holding health that is due by `by` (ms; now by default), but for the endpoints in
 * `except` (a batch's own): none, without a look, while the bound `earliest` is later. A key
 * whose memo is gone or holds nothing any more is forgotten here, so the set stays as small as
 * what is held.
 */
export function dueHeld(
  deps: HeldDeps,
  except: ReadonlySet<string>,
  by = deps.now().getTime(),
): HealthMemo[] {
  const { keys, earliest } = heldOf(deps);
  if (earliest === undefined || earliest > by) return [];
  for (const key of keys) if (!deps.healthMemos.get(key)?.held) keys.delete(key);
  return [...keys]
    .filter((key) => !except.has(key))
    .map((key) => deps.healthMemos.get(key)!)
    .filter((m) => m.heldEndpoint && writeDueAt(m, m.held as Observed[]) <= by);
}

/**
 * The root stops holding (its process stops, after its last write of what it held): its timer
 * is cleared, so it neither writes to a stopped stack nor keeps that stack reachable.
 */
export function stopHolding(deps: HeldDeps): void {
  const held = holding.get(deps.healthMemos);
  if (held) disarmHeldTimer(held);
  holding.delete(deps.healthMemos);
}

/**
 * One timer per process writes what is held once it is due when no batch does (core/lib
 * `armHeldTimer`, as the filter counts'): so the spacing (policy/write-behind.ts) bounds how
 * late a count is written while the process lives. A hold arms it for its own due time
 * (`dueAt`; armed already for no later, it stays): the timer is then never later than the
 * earliest held, without a look at every held memo per hold. Once it fires and has written
 * what was due, it looks at them all, for the earliest still held.
 */
function armFlush(deps: HeldDeps, flush: () => Promise<void>, dueAt?: number): void {
  const held = heldOf(deps);
  held.earliest = dueAt === undefined ? earliestDue(deps, held) : Math.min(held.earliest ?? dueAt, dueAt);
  const due = dueAt ?? held.earliest;
  if (due === undefined) return;
  const now = deps.now().getTime();
  armHeldTimer(held, now, due - now, () => void flush().then(() => armFlush(deps, flush)));
}

function earliestDue(deps: HeldDeps, held: Held): number | undefined {
  let earliest: number | undefined;
  for (const key of held.keys) {
    const m = deps.healthMemos.get(key);
    if (m?.held) earliest = Math.min(earliest ?? Number.POSITIVE_INFINITY, writeDueAt(m, m.held));
  }
  return earliest;
}
