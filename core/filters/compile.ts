/**
 * Payload filters, step 1: checking a filter and compiling it into a tree (docs/filters.md).
 *
 * The dialect is the JSON-match one of Convoy and Outpost: plain values match themselves,
 * objects match nested fields, `$`-keys are operators. Compiling rejects what evaluation
 * could not do cheaply or could not mean: unknown operators, wrong operand types, and
 * filters over the size, depth or node limits. Every error names the path of the problem.
 */

export const FILTER_LIMITS = {
  /** UTF-8 bytes of the filter's JSON text. */
  maxBytes: 8 * 1024,
  /** Nesting of objects and arrays, the filter itself being depth 1. */
  maxDepth: 16,
  /** JSON values in the filter (every object, array, key's value and array element). */
  maxNodes: 512,
} as const;

export type Primitive = string | number | boolean | null;
export type Json = Primitive | Json[] | { [key: string]: Json };

export type Op =
  | "$eq"
  | "$neq"
  | "$gt"
  | "$gte"
  | "$lt"
  | "$lte"
  | "$in"
  | "$nin"
  | "$startsWith"
  | "$endsWith";

/** A compiled condition on one JSON value (the event, or a field of it). */
export type Cond =
  | { kind: "literal"; value: Primitive }
  /** An array in the filter: the value is an array holding a match for every listed condition. */
  | { kind: "all"; items: Cond[] }
  | {
      kind: "node";
      fields: [string, Cond][];
      ops: [Op, Json][];
      exist?: boolean;
      and: Cond[];
      or: Cond[][];
      not: Cond[];
    };

export interface FilterIssue {
  /** Where in the filter, e.g. `data.amount.$gte` or `$or.1`. */
  path: string;
  message: string;
}

export class FilterError extends Error {
  constructor(readonly issue: FilterIssue) {
    super(`${issue.path || "filter"}: ${issue.message}`);
    this.name = "FilterError";
  }
}

const COMPARISONS = new Set(["$gt", "$gte", "$lt", "$lte"]);
const AFFIXES = new Set(["$startsWith", "$endsWith"]);
const MEMBERSHIP = new Set(["$in", "$nin"]);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const isPrimitive = (v: unknown): v is Primitive =>
  v === null ||
  typeof v === "string" ||
  typeof v === "boolean" ||
  (typeof v === "number" && Number.isFinite(v));

const join = (path: string, key: string | number) => (path === "" ? String(key) : `${path}.${key}`);

class Compiler {
  private nodes = 0;

  fail(path: string, message: string): never {
    throw new FilterError({ path, message });
  }

  count(path: string, depth: number) {
    if (++this.nodes > FILTER_LIMITS.maxNodes) this.fail(path, `more than ${FILTER_LIMITS.maxNodes} values`);
    if (depth > FILTER_LIMITS.maxDepth)
      this.fail(path, `nested deeper than ${FILTER_LIMITS.maxDepth} levels`);
  }

  /** Checks a plain JSON operand (any value) and counts its nodes. */
  json(v: unknown, path: string, depth: number): Json {
    this.count(path, depth);
    if (isPrimitive(v)) return v;
    if (Array.isArray(v)) return v.map((x, i) => this.json(x, join(path, i), depth + 1));
    if (isObject(v)) {
      const out: Record<string, Json> = {};
      for (const [k, x] of Object.entries(v)) {
        Object.defineProperty(out, k, { value: this.json(x, join(path, k), depth + 1), enumerable: true });
      }
      return out;
    }
    return this.fail(path, "is not a JSON value");
  }

  cond(v: unknown, path: string, depth: number): Cond {
    this.count(path, depth);
    if (isPrimitive(v)) return { kind: "literal", value: v };
    if (Array.isArray(v)) {
      return { kind: "all", items: v.map((x, i) => this.cond(x, join(path, i), depth + 1)) };
    }
    if (!isObject(v)) return this.fail(path, "is not a JSON value");
    const node: Extract<Cond, { kind: "node" }> = {
      kind: "node",
      fields: [],
      ops: [],
      and: [],
      or: [],
      not: [],
    };
    for (const [key, x] of Object.entries(v)) this.entry(node, key, x, join(path, key), depth + 1);
    return node;
  }

  private list(x: unknown, path: string, depth: number, op: string): Cond[] {
    if (!Array.isArray(x) || x.length === 0) this.fail(path, `${op} takes a non-empty array of conditions`);
    this.count(path, depth);
    return x.map((c, i) => this.cond(c, join(path, i), depth + 1));
  }

  private entry(node: Extract<Cond, { kind: "node" }>, key: string, x: unknown, path: string, depth: number) {
    if (!key.startsWith("$")) {
      node.fields.push([key, this.cond(x, path, depth)]);
      return;
    }
    if (key === "$and") node.and.push(...this.list(x, path, depth, key));
    else if (key === "$or") node.or.push(this.list(x, path, depth, key));
    else if (key === "$not") node.not.push(this.cond(x, path, depth));
    else if (key === "$exist") {
      if (typeof x !== "boolean") this.fail(path, "$exist takes true or false");
      this.count(path, depth);
      node.exist = x;
    } else if (key === "$eq" || key === "$neq") node.ops.push([key, this.json(x, path, depth)]);
    else if (COMPARISONS.has(key)) {
      if (typeof x !== "string" && !(typeof x === "number" && Number.isFinite(x))) {
        this.fail(path, `${key} takes a number or a string`);
      }
      node.ops.push([key as Op, this.json(x, path, depth)]);
    } else if (MEMBERSHIP.has(key)) {
      if (typeof x !== "string" && !Array.isArray(x)) {
        this.fail(path, `${key} takes an array of values (or a string: substring)`);
      }
      node.ops.push([key as Op, this.json(x, path, depth)]);
    } else if (AFFIXES.has(key)) {
      const ok = typeof x === "string" || (Array.isArray(x) && x.every((s) => typeof s === "string"));
      if (!ok) this.fail(path, `${key} takes a string or an array of strings`);
      node.ops.push([key as Op, this.json(x, path, depth)]);
    } else {
      this.fail(path, `unknown operator ${key.slice(0, 40)}`);
    }
  }
}

/**
 * Checks a filter (a parsed JSON object) and compiles it. Throws FilterError naming the
 * path of the first problem.
 */
export function compileFilter(filter: unknown): Cond {
  if (!isObject(filter)) throw new FilterError({ path: "", message: "a filter is a JSON object" });
  // The node and depth limits come first: they bound the work (and the recursion) of the rest.
  const compiled = new Compiler().cond(filter, "", 1);
  if (Buffer.byteLength(JSON.stringify(filter), "utf8") > FILTER_LIMITS.maxBytes) {
    throw new FilterError({
      path: "",
      message: `a filter is at most ${FILTER_LIMITS.maxBytes} bytes of JSON`,
    });
  }
  return compiled;
}

/** The number of JSON values in a filter or an event: the unit of the evaluation bound. */
export function jsonSize(v: unknown): number {
  let n = 0;
  const stack: unknown[] = [v];
  while (stack.length > 0) {
    const x = stack.pop();
    n++;
    if (Array.isArray(x)) stack.push(...x);
    else if (isObject(x)) stack.push(...Object.values(x));
  }
  return n;
}
