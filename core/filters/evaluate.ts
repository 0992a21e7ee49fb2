/**
 * Payload filters, step 2: does an event match a compiled filter (docs/filters.md)?
 *
 * Evaluation walks the filter once and, for each of its conditions, only the event values
 * that condition's path reaches (an array reached on the way adds its elements, one level):
 * the work is at most proportional to (filter values) × (event values). Nothing backtracks
 * and nothing recurses deeper than the filter (at most FILTER_LIMITS.maxDepth). Every unit
 * of work is counted in `steps`, which the tests bound, and an evaluation stops with
 * FilterBudgetExceeded as soon as `steps` passes the budget's `limit` (FILTER_STEPS in
 * core/model/limits.ts): a 1 KB filter can ask for tens of millions of steps on a 256 KiB event.
 */
import type { Cond, Json, Op } from "./compile.js";

/** A field the event does not have (as opposed to a field whose value is null). */
const MISSING = Symbol("missing");
type Value = unknown;

export interface Budget {
  steps: number;
  /** The most steps allowed (default: no limit). */
  limit?: number;
}

/** The evaluation took more steps than its budget allows. */
export class FilterBudgetExceeded extends Error {
  constructor(readonly steps: number) {
    super(`filter evaluation passed its budget of steps (${steps} taken)`);
    this.name = "FilterBudgetExceeded";
  }
}

/** One unit of work; throws once the budget is passed. */
function tick(budget: Budget, n = 1): void {
  budget.steps += n;
  if (budget.limit !== undefined && budget.steps > budget.limit) throw new FilterBudgetExceeded(budget.steps);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function field(v: Record<string, unknown>, key: string): Value {
  return Object.hasOwn(v, key) ? v[key] : MISSING;
}

/** Exact JSON equality (numbers by value, objects by keys regardless of order); counts one step per value of `b`. */
function deepEqual(a: Value, b: Json, budget: Budget): boolean {
  tick(budget);
  if (b === null || typeof b !== "object") return a === b;
  if (Array.isArray(b)) {
    if (!Array.isArray(a) || a.length !== b.length) return false;
    return b.every((x, i) => deepEqual(a[i], x, budget));
  }
  if (!isObject(a)) return false;
  const keys = Object.keys(b);
  if (Object.keys(a).length !== keys.length) return false;
  return keys.every((k) => Object.hasOwn(a, k) && deepEqual(a[k], b[k] as Json, budget));
}

/** Same type (both numbers or both strings) or no order at all. */
function compare(a: Value, b: Json): number | undefined {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
}

/** A positive operator on one value (not looking into arrays: `holds` does that). */
function opOn(op: Op, v: Value, operand: Json, budget: Budget): boolean {
  tick(budget);
  switch (op) {
    case "$eq":
      return deepEqual(v, operand, budget);
    case "$gt":
    case "$gte":
    case "$lt":
    case "$lte": {
      const c = compare(v, operand);
      if (c === undefined || Number.isNaN(c)) return false;
      return op === "$gt" ? c > 0 : op === "$gte" ? c >= 0 : op === "$lt" ? c < 0 : c <= 0;
    }
    case "$in":
      if (typeof operand === "string") {
        if (typeof v !== "string") return false;
        // A substring search walks the value: long strings cost in proportion.
        tick(budget, Math.floor(v.length / 256));
        return v.includes(operand);
      }
      return Array.isArray(operand) && operand.some((x) => deepEqual(v, x, budget));
    case "$startsWith":
    case "$endsWith": {
      if (typeof v !== "string") return false;
      const affixes = Array.isArray(operand) ? operand : [operand];
      return affixes.some(
        (a) => typeof a === "string" && (op === "$startsWith" ? v.startsWith(a) : v.endsWith(a)),
      );
    }
    default:
      return false;
  }
}

/** The array rule: a value that is an array matches when it, or one of its elements, does. */
function holds(v: Value, budget: Budget, test: (x: Value) => boolean): boolean {
  if (test(v)) return true;
  if (!Array.isArray(v)) return false;
  for (const x of v) {
    tick(budget);
    if (test(x)) return true;
  }
  return false;
}

const NEGATED: Partial<Record<Op, Op>> = { $neq: "$eq", $nin: "$in" };

function operator(op: Op, operand: Json, v: Value, budget: Budget): boolean {
  if (v === MISSING) return false;
  const positive = NEGATED[op];
  if (positive) return !holds(v, budget, (x) => opOn(positive, x, operand, budget));
  return holds(v, budget, (x) => opOn(op, x, operand, budget));
}

function fieldsMatch(fields: [string, Cond][], v: Value, budget: Budget): boolean {
  const onObject = (o: Value) => isObject(o) && fields.every(([k, c]) => matches(c, field(o, k), budget));
  return v !== MISSING && holds(v, budget, onObject);
}

function matches(c: Cond, v: Value, budget: Budget): boolean {
  tick(budget);
  if (c.kind === "literal") {
    return v !== MISSING && holds(v, budget, (x) => x === c.value);
  }
  if (c.kind === "all") {
    return Array.isArray(v) && c.items.every((item) => v.some((x) => matches(item, x, budget)));
  }
  if (c.exist !== undefined && c.exist !== (v !== MISSING)) return false;
  if (!c.ops.every(([op, operand]) => operator(op, operand, v, budget))) return false;
  if (c.fields.length > 0 && !fieldsMatch(c.fields, v, budget)) return false;
  if (!c.and.every((x) => matches(x, v, budget))) return false;
  if (!c.or.every((alts) => alts.some((x) => matches(x, v, budget)))) return false;
  return c.not.every((x) => !matches(x, v, budget));
}

/**
 * Whether `event` (the JSON a receiver gets) matches the compiled filter. Throws only
 * FilterBudgetExceeded, when the budget has a `limit` and the evaluation passes it.
 */
export function evaluate(filter: Cond, event: unknown, budget: Budget = { steps: 0 }): boolean {
  return matches(filter, event, budget);
}
