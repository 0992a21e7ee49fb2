/**
 * What DynamoDB does with a parsed expression (memory-expression.ts) on one item: a condition
 * holds or not, an update makes the new item, a projection keeps some paths. Types compare as
 * DynamoDB compares them: numbers with numbers, strings by their UTF-8 bytes, anything else
 * (or a missing attribute) is false, except `<>`.
 */
import type { Condition, Operand, Path, UpdateActions } from "./memory-expression.js";

export type Item = Record<string, unknown>;
type Values = Record<string, unknown>;

export function getPath(item: unknown, path: Path): unknown {
  let at: unknown = item;
  for (const seg of path) {
    if (at === null || typeof at !== "object") return undefined;
    at = (at as Record<string | number, unknown>)[seg];
  }
  return at;
}

function setPath(item: Item, path: Path, value: unknown): void {
  let at: Record<string | number, unknown> = item;
  for (const seg of path.slice(0, -1)) {
    const next = at[seg];
    if (next === null || typeof next !== "object") {
      throw invalid("The document path provided in the update expression is invalid for update");
    }
    at = next as Record<string | number, unknown>;
  }
  at[path[path.length - 1]!] = value;
}

function removePath(item: Item, path: Path): void {
  const parent = getPath(item, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (Array.isArray(parent) && typeof last === "number") parent.splice(last, 1);
  else if (parent && typeof parent === "object") delete (parent as Record<string, unknown>)[last as string];
}

export function invalid(message: string): Error {
  const err = new Error(message);
  err.name = "ValidationException";
  return err;
}

function value(values: Values, name: string): unknown {
  if (!(name in values))
    throw invalid(`An expression attribute value used in expression is not defined: ${name}`);
  return values[name];
}

function operand(item: Item, o: Operand, values: Values): unknown {
  switch (o.kind) {
    case "path":
      return getPath(item, o.path);
    case "value":
      return value(values, o.name);
    case "size": {
      const v = getPath(item, o.path);
      if (typeof v === "string") return Buffer.byteLength(v, "utf8");
      if (Array.isArray(v)) return v.length;
      if (v instanceof Set) return v.size;
      if (v instanceof Uint8Array) return v.length;
      if (v && typeof v === "object") return Object.keys(v).length;
      return undefined;
    }
    case "if_not_exists": {
      const v = getPath(item, o.path);
      return v === undefined ? operand(item, o.fallback, values) : v;
    }
    case "list_append": {
      const a = operand(item, o.a, values);
      const b = operand(item, o.b, values);
      if (!Array.isArray(a) || !Array.isArray(b)) throw invalid("list_append takes two lists");
      return [...a, ...b];
    }
    case "arith": {
      const a = operand(item, o.a, values);
      const b = operand(item, o.b, values);
      if (typeof a !== "number" || typeof b !== "number") {
        throw invalid("An operand in the update expression has an incorrect data type");
      }
      return o.op === "+" ? a + b : a - b;
    }
  }
}

/** -1, 0, 1, or undefined when DynamoDB would not compare the two (other types, missing). */
export function compare(a: unknown, b: unknown): number | undefined {
  if (typeof a === "number" && typeof b === "number") return a === b ? 0 : a < b ? -1 : 1;
  if (typeof a === "string" && typeof b === "string") return compareUtf8(a, b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b);
  return undefined;
}

/**
 * Strings in UTF-8 byte order without encoding them: UTF-16 code units sort the same way
 * except that surrogates (characters past U+FFFF) sort after U+E000..U+FFFF in UTF-8.
 */
function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return utf8Rank(x) < utf8Rank(y) ? -1 : 1;
  }
  return a.length < b.length ? -1 : 1;
}

const utf8Rank = (c: number): number =>
  c >= 0xd800 && c <= 0xdfff ? c + 0x2000 : c >= 0xe000 ? c - 0x800 : c;

function equal(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return false;
  if (a instanceof Set && b instanceof Set) return a.size === b.size && [...a].every((x) => b.has(x));
  if (typeof a === "object" && a !== null) return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}

export function holds(item: Item | undefined, c: Condition, values: Values = {}): boolean {
  const it = item ?? {};
  switch (c.kind) {
    case "and":
      return holds(item, c.a, values) && holds(item, c.b, values);
    case "or":
      return holds(item, c.a, values) || holds(item, c.b, values);
    case "not":
      return !holds(item, c.a, values);
    case "compare": {
      const a = operand(it, c.a, values);
      const b = operand(it, c.b, values);
      if (c.op === "=") return equal(a, b);
      if (c.op === "<>") return !equal(a, b);
      const order = compare(a, b);
      if (order === undefined) return false;
      return c.op === "<" ? order < 0 : c.op === "<=" ? order <= 0 : c.op === ">" ? order > 0 : order >= 0;
    }
    case "between": {
      const a = operand(it, c.a, values);
      const low = compare(a, operand(it, c.low, values));
      const high = compare(a, operand(it, c.high, values));
      return low !== undefined && high !== undefined && low >= 0 && high <= 0;
    }
    case "in": {
      const a = operand(it, c.a, values);
      return c.list.some((o) => equal(a, operand(it, o, values)));
    }
    case "fn":
      return fn(it, c, values);
  }
}

function fn(item: Item, c: Extract<Condition, { kind: "fn" }>, values: Values): boolean {
  const v = getPath(item, c.path);
  const arg = c.arg ? operand(item, c.arg, values) : undefined;
  switch (c.name) {
    case "attribute_exists":
      return v !== undefined;
    case "attribute_not_exists":
      return v === undefined;
    case "begins_with":
      return typeof v === "string" && typeof arg === "string" && v.startsWith(arg);
    case "contains":
      if (typeof v === "string") return typeof arg === "string" && v.includes(arg);
      if (Array.isArray(v)) return v.some((x) => equal(x, arg));
      if (v instanceof Set) return v.has(arg);
      return false;
    case "attribute_type":
      return typeOf(v) === arg;
    default:
      throw invalid(`unknown function ${c.name}`);
  }
}

function typeOf(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (v === null) return "NULL";
  if (typeof v === "string") return "S";
  if (typeof v === "number") return "N";
  if (typeof v === "boolean") return "BOOL";
  if (Array.isArray(v)) return "L";
  if (v instanceof Set) return typeof [...v][0] === "number" ? "NS" : "SS";
  if (v instanceof Uint8Array) return "B";
  return "M";
}

/** The item after an update (a new object; `item` is not changed). Values are read before any write. */
export function applyUpdate(item: Item, actions: UpdateActions, values: Values): Item {
  const out = structuredClone(item);
  const sets = actions.set.map((s) => ({ path: s.path, v: operand(item, s.value, values) }));
  for (const s of sets) setPath(out, s.path, structuredClone(s.v));
  for (const path of actions.remove) removePath(out, path);
  for (const a of actions.add) {
    const current = getPath(out, a.path);
    const v = operand(item, a.value, values);
    if (typeof v === "number") {
      if (current !== undefined && typeof current !== "number")
        throw invalid("ADD of a number to a non-number");
      setPath(out, a.path, (current ?? 0) + v);
    } else if (v instanceof Set) {
      setPath(out, a.path, new Set([...((current as Set<unknown>) ?? []), ...v]));
    } else throw invalid("ADD takes a number or a set");
  }
  for (const d of actions.delete) {
    const current = getPath(out, d.path);
    const v = operand(item, d.value, values);
    if (current instanceof Set && v instanceof Set) {
      const left = new Set([...current].filter((x) => !v.has(x)));
      if (left.size === 0) removePath(out, d.path);
      else setPath(out, d.path, left);
    }
  }
  return out;
}

/** The item with only `paths` kept (a projection). */
export function project(item: Item, paths: Path[]): Item {
  const out: Item = {};
  for (const path of paths) {
    const v = getPath(item, path);
    if (v === undefined) continue;
    let at: Record<string | number, unknown> = out;
    for (const seg of path.slice(0, -1)) {
      at[seg] ??= {};
      at = at[seg] as Record<string | number, unknown>;
    }
    at[path[path.length - 1]!] = structuredClone(v);
  }
  return out;
}

/** The size DynamoDB counts for an item: attribute names plus values (docs: "Item sizes"). */
export function itemBytes(item: Item): number {
  let n = 0;
  for (const [name, v] of Object.entries(item)) n += Buffer.byteLength(name, "utf8") + valueBytes(v);
  return n;
}

function valueBytes(v: unknown): number {
  if (v === undefined) return 0;
  if (typeof v === "string") return Buffer.byteLength(v, "utf8");
  if (typeof v === "number") return Math.ceil(String(Math.abs(v)).replace(/[.-]/g, "").length / 2) + 1;
  if (typeof v === "boolean" || v === null) return 1;
  if (v instanceof Uint8Array) return v.length;
  if (Array.isArray(v)) return 3 + v.reduce((s: number, x) => s + 1 + valueBytes(x), 0);
  if (v instanceof Set) return [...v].reduce((s: number, x) => s + valueBytes(x), 0);
  return 3 + itemBytes(v as Item) + Object.keys(v as Item).length;
}
