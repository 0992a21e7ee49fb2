/**
 * How much work a tenant's JSON Schema can make validation do, decided before ajv ever runs
 * it (docs/publishing.md, "Schema bounds").
 *
 * A synchronous ajv validation cannot be interrupted, so the work is bounded structurally.
 * The schema is read as a graph of subschemas: some apply to the same data value (`allOf`,
 * `anyOf`, `oneOf`, `not`, `if`/`then`/`else`, `$ref`, schema-valued `dependencies`), the
 * others to its children (`properties`, `patternProperties`, `additionalProperties`,
 * `propertyNames`, `items`, `additionalItems`, `prefixItems`, `contains`). From it,
 * `perDepth[k]` is an upper bound on the keywords evaluated at ONE data value k levels below
 * `data`, whatever that value is: a recursive `$ref` through a union multiplies it at every
 * level (3 branches: 3^k), which is exactly the exponential case. The work of validating an
 * event is then at most the sum, over its values, of `perDepth[depth]` (strings weighted by
 * length, for patterns and formats), plus `uniqueItems`' pairwise comparisons: `validationWork`
 * computes that sum in one walk of the data, before ajv runs, and the event is refused when it
 * exceeds the budget. Registration refuses schemas whose `perDepth` passes a bound, so any
 * event of a few hundred values always fits.
 */
import {
  MAX_SCHEMA_BYTES,
  MAX_SCHEMA_KEYWORDS_PER_VALUE,
  MAX_SCHEMA_NODES,
  MAX_UNIQUE_ITEMS,
} from "../model/index.js";

/** Keywords whose subschemas apply to the same value; arrays and maps of schemas alike. */
const SAME_ONE = ["not", "if", "then", "else"] as const;
const SAME_LIST = ["allOf", "anyOf", "oneOf"] as const;
const SAME_MAP = ["dependencies", "dependentSchemas"] as const;
/** Schemas that are only referenced (never applied where they stand). */
const DEFS = ["$defs", "definitions"] as const;
/** Identifiers that would change what a `$ref` points at: refused below the root. */
const SCOPE_KEYWORDS = ["$anchor", "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor"];

type Sub = number;
interface Node {
  /** Keywords evaluated when this subschema is applied (its own keys, `enum` entries). */
  weight: number;
  unique: boolean;
  same: Sub[];
  ref?: string;
  props: Sub[];
  patterns: Sub[];
  /** additionalProperties, unevaluatedProperties: apply to a child no other keyword took. */
  otherProps: Sub[];
  names: Sub[];
  /** prefixItems, a tuple `items`, `items`, additionalItems: one applies to each element. */
  elements: Sub[];
  /** contains, unevaluatedItems: apply to every element on top of the above. */
  everyElement: Sub[];
}

export interface SchemaCost {
  /** Upper bound on keyword evaluations at one data value k levels below `data` (k = 0 is `data`). */
  perDepth: number[];
  /** Upper bound on `uniqueItems` checks applied to one array value k levels below `data`. */
  uniquePerDepth: number[];
}

export class SchemaTooComplex extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** The graph of a schema's subschemas, indexed by JSON pointer (for `$ref`). */
class Graph {
  readonly nodes: Node[] = [];
  readonly byPointer = new Map<string, Sub>();

  add(schema: unknown, pointer: string): Sub {
    if (this.nodes.length >= MAX_SCHEMA_NODES) {
      throw new SchemaTooComplex(`has more than ${MAX_SCHEMA_NODES} subschemas`);
    }
    const id = this.nodes.length;
    const node: Node = {
      weight: 1,
      unique: false,
      same: [],
      props: [],
      patterns: [],
      otherProps: [],
      names: [],
      elements: [],
      everyElement: [],
    };
    this.nodes.push(node);
    this.byPointer.set(pointer, id);
    if (isObject(schema)) this.fill(node, schema, pointer);
    else if (typeof schema !== "boolean") throw new SchemaTooComplex(`at ${pointer || "/"}: not a schema`);
    return id;
  }

  private fill(node: Node, s: Record<string, unknown>, at: string): void {
    node.weight = Math.max(1, Object.keys(s).length) + (Array.isArray(s.enum) ? s.enum.length : 0);
    const child = (key: string, v: unknown) => this.add(v, `${at}/${pointerSegment(key)}`);
    const each = (key: string, v: unknown) =>
      isObject(v)
        ? Object.entries(v).map(([k, x]) => this.add(x, `${at}/${pointerSegment(key)}/${pointerSegment(k)}`))
        : [];
    const list = (key: string, v: unknown) =>
      Array.isArray(v) ? v.map((x, i) => this.add(x, `${at}/${pointerSegment(key)}/${i}`)) : [];
    for (const k of SCOPE_KEYWORDS) {
      if (k in s) throw new SchemaTooComplex(`at ${at || "/"}: ${k} is not supported; use "$ref": "#/…"`);
    }
    if ("$id" in s && at !== "") throw new SchemaTooComplex(`at ${at}: $id is only allowed at the root`);
    if (typeof s.$ref === "string") node.ref = s.$ref;
    for (const k of SAME_ONE) if (k in s) node.same.push(child(k, s[k]));
    for (const k of SAME_LIST) node.same.push(...list(k, s[k]));
    for (const k of SAME_MAP) {
      // dependencies: a value is a schema, or a list of property names (no subschema).
      if (isObject(s[k])) {
        for (const [name, v] of Object.entries(s[k])) {
          if (!Array.isArray(v)) node.same.push(this.add(v, `${at}/${k}/${pointerSegment(name)}`));
        }
      }
    }
    for (const k of DEFS) each(k, s[k]);
    node.props.push(...each("properties", s.properties));
    node.patterns.push(...each("patternProperties", s.patternProperties));
    for (const k of ["additionalProperties", "unevaluatedProperties"]) {
      if (k in s) node.otherProps.push(child(k, s[k]));
    }
    if ("propertyNames" in s) node.names.push(child("propertyNames", s.propertyNames));
    if (Array.isArray(s.items)) node.elements.push(...list("items", s.items));
    else if ("items" in s) node.elements.push(child("items", s.items));
    node.elements.push(...list("prefixItems", s.prefixItems));
    if ("additionalItems" in s) node.elements.push(child("additionalItems", s.additionalItems));
    for (const k of ["contains", "unevaluatedItems"]) if (k in s) node.everyElement.push(child(k, s[k]));
    if (s.uniqueItems === true) {
      const max = s.maxItems;
      if (typeof max !== "number" || max > MAX_UNIQUE_ITEMS) {
        throw new SchemaTooComplex(
          `at ${at || "/"}: uniqueItems needs maxItems of at most ${MAX_UNIQUE_ITEMS}`,
        );
      }
      node.unique = true;
    }
  }

  /** Resolves every `$ref` (local JSON pointers only) into a same-value edge. */
  link(): void {
    for (const node of this.nodes) {
      if (node.ref === undefined) continue;
      const target = this.byPointer.get(pointerOf(node.ref));
      if (target === undefined) {
        throw new SchemaTooComplex(
          `$ref ${JSON.stringify(node.ref.slice(0, 100))} does not point at a subschema`,
        );
      }
      node.same.push(target);
    }
  }
}

function pointerSegment(key: string): string {
  return key.replaceAll("~", "~0").replaceAll("/", "~1");
}

/** "#/a/b" → "/a/b" (as `Graph` indexes it); anything but a local pointer is refused. */
function pointerOf(ref: string): string {
  if (ref !== "#" && !ref.startsWith("#/")) {
    throw new SchemaTooComplex(
      `$ref ${JSON.stringify(ref.slice(0, 100))}: only local references ("#/…") are allowed`,
    );
  }
  try {
    return decodeURIComponent(ref.slice(1));
  } catch {
    throw new SchemaTooComplex(`$ref ${JSON.stringify(ref.slice(0, 100))} is not a valid pointer`);
  }
}

/**
 * The bounds of a schema, or SchemaTooComplex naming the first bound it breaks. `maxDepth`
 * is the deepest nesting of `data` (its top level is depth 1).
 */
export function schemaCost(schema: Record<string, unknown>, maxDepth: number): SchemaCost {
  const bytes = Buffer.byteLength(JSON.stringify(schema), "utf8");
  if (bytes > MAX_SCHEMA_BYTES) {
    throw new SchemaTooComplex(`is ${bytes} bytes; the limit is ${MAX_SCHEMA_BYTES}`);
  }
  const g = new Graph();
  g.add(schema, "");
  g.link();
  const order = sameValueOrder(g.nodes);
  const perDepth: number[] = [];
  const uniquePerDepth: number[] = [];
  let prev: { work: number[]; unique: number[] } | undefined;
  for (let k = 0; k < maxDepth; k++) {
    const work = new Array<number>(g.nodes.length).fill(0);
    const unique = new Array<number>(g.nodes.length).fill(0);
    for (const id of order) {
      const n = g.nodes[id]!;
      let w = k === 0 ? n.weight : prev ? childWork(n, prev.work) : 0;
      let u = k === 0 ? (n.unique ? 1 : 0) : prev ? childWork(n, prev.unique) : 0;
      for (const t of n.same) {
        w += work[t]!;
        u += unique[t]!;
      }
      work[id] = w;
      unique[id] = u;
    }
    perDepth.push(work[0]!);
    uniquePerDepth.push(unique[0]!);
    if (work[0]! > MAX_SCHEMA_KEYWORDS_PER_VALUE) {
      throw new SchemaTooComplex(
        `may evaluate more than ${MAX_SCHEMA_KEYWORDS_PER_VALUE} keywords on one value ${k} levels deep ` +
          "(a recursive $ref through anyOf/oneOf/allOf multiplies at every level)",
      );
    }
    // A level equal to the one before repeats for ever (always, once past a non-recursive
    // schema's own depth): the remaining levels are the same.
    if (prev && sameNumbers(prev.work, work) && sameNumbers(prev.unique, unique)) {
      while (perDepth.length < maxDepth) {
        perDepth.push(work[0]!);
        uniquePerDepth.push(unique[0]!);
      }
      break;
    }
    prev = { work, unique };
  }
  return { perDepth, uniquePerDepth };
}

const sameNumbers = (a: number[], b: number[]) => a.every((x, i) => x === b[i]);

/** What a node's child-applying keywords cost at one child value, from the level below. */
function childWork(n: Node, below: number[]): number {
  const sum = (xs: Sub[]) => xs.reduce((a, t) => a + below[t]!, 0);
  const max = (xs: Sub[]) => xs.reduce((a, t) => Math.max(a, below[t]!), 0);
  const asProperty = Math.max(max(n.props), max(n.otherProps)) + sum(n.patterns) + sum(n.names);
  const asElement = max(n.elements) + sum(n.everyElement);
  return Math.max(asProperty, asElement);
}

/**
 * The nodes ordered so that every same-value target comes before its source; a cycle of
 * same-value edges (`{"$ref": "#"}` at the root) would recurse forever on any value.
 */
function sameValueOrder(nodes: Node[]): Sub[] {
  const state = new Uint8Array(nodes.length); // 0 new, 1 on the path, 2 done
  const order: Sub[] = [];
  for (let root = 0; root < nodes.length; root++) {
    if (state[root] !== 0) continue;
    const stack: [Sub, number][] = [[root, 0]];
    state[root] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [id, i] = top;
      const next = nodes[id]!.same[i];
      if (next === undefined) {
        state[id] = 2;
        order.push(id);
        stack.pop();
        continue;
      }
      top[1]++;
      if (state[next] === 1) {
        throw new SchemaTooComplex("has a $ref cycle that never descends into the data");
      }
      if (state[next] === 0) {
        state[next] = 1;
        stack.push([next, 0]);
      }
    }
  }
  return order;
}

/** One keyword evaluation per this many characters of a string (patterns and formats read it all). */
const CHARS_PER_UNIT = 64;
/** Element comparisons of `uniqueItems` counted as one keyword evaluation. */
const COMPARISONS_PER_UNIT = 16;

/**
 * An upper bound on the keyword evaluations validating `data` takes under a schema of this
 * cost. `data` must already be known to nest no deeper than the cost's depth.
 */
export function validationWork(cost: SchemaCost, data: unknown): number {
  let work = 0;
  const visit = (v: unknown, k: number): number => {
    // Returns the number of values in v's subtree (for uniqueItems' comparisons).
    const at = cost.perDepth[k] ?? 0;
    if (typeof v === "string") {
      work += at * (1 + Math.floor(v.length / CHARS_PER_UNIT));
      return 1;
    }
    work += at;
    if (v === null || typeof v !== "object") return 1;
    let size = 1;
    const children = Array.isArray(v) ? v : Object.values(v);
    for (const x of children) size += visit(x, k + 1);
    // Pairwise deep-equality: at most (elements × values below) value comparisons per check,
    // each far cheaper than a keyword (measured ~30×; counted 16×).
    if (Array.isArray(v)) work += ((cost.uniquePerDepth[k] ?? 0) * v.length * size) / COMPARISONS_PER_UNIT;
    return size;
  };
  visit(data, 0);
  return work;
}
