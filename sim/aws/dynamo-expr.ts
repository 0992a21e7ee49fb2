/**
 * DynamoDB expressions, evaluated on plain items (the document client's view): condition,
 * key-condition and filter expressions, update expressions (SET with `+`/`-`,
 * `if_not_exists`, `list_append`; REMOVE; ADD; DELETE) and projections. The grammar is the
 * documented one (Developer Guide, "Expressions"); only what a webhook table needs of it.
 */
type Item = Record<string, unknown>;
type Names = Record<string, string> | undefined;
type Values = Record<string, unknown> | undefined;

const TOKEN = /\s*(<>|<=|>=|[=<>(),.+\-[\]]|#[A-Za-z0-9_]+|:[A-Za-z0-9_]+|[A-Za-z_][A-Za-z0-9_]*|\d+)/y;

function tokenize(src: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < src.length) {
    if (/^\s*$/.test(src.slice(TOKEN.lastIndex))) break;
    const m = TOKEN.exec(src);
    if (!m) throw new Error(`cannot parse expression at ${src.slice(TOKEN.lastIndex)}`);
    out.push(m[1]!);
  }
  return out;
}

type Path = (string | number)[];
type Node =
  | { k: "path"; path: Path }
  | { k: "val"; name: string }
  | { k: "fn"; name: string; args: Node[] }
  | { k: "op"; op: string; a: Node; b: Node }
  | { k: "between"; a: Node; lo: Node; hi: Node }
  | { k: "in"; a: Node; list: Node[] }
  | { k: "not"; a: Node };

class Parser {
  i = 0;
  constructor(
    readonly t: string[],
    readonly names: Names,
  ) {}
  peek(): string | undefined {
    return this.t[this.i];
  }
  eat(s?: string): string {
    const v = this.t[this.i++];
    if (v === undefined || (s !== undefined && v.toUpperCase() !== s))
      throw new Error(`expected ${s} got ${v}`);
    return v;
  }
  isKw(s: string): boolean {
    return this.peek()?.toUpperCase() === s;
  }
  cond(): Node {
    let a = this.and();
    while (this.isKw("OR")) {
      this.eat();
      a = { k: "op", op: "OR", a, b: this.and() };
    }
    return a;
  }
  and(): Node {
    let a = this.not();
    while (this.isKw("AND")) {
      this.eat();
      a = { k: "op", op: "AND", a, b: this.not() };
    }
    return a;
  }
  not(): Node {
    if (this.isKw("NOT")) {
      this.eat();
      return { k: "not", a: this.not() };
    }
    if (this.peek() === "(") {
      this.eat("(");
      const c = this.cond();
      this.eat(")");
      return c;
    }
    return this.comparison();
  }
  comparison(): Node {
    const a = this.operand();
    const op = this.peek();
    if (op && ["=", "<>", "<", "<=", ">", ">="].includes(op)) {
      this.eat();
      return { k: "op", op, a, b: this.operand() };
    }
    if (this.isKw("BETWEEN")) {
      this.eat();
      const lo = this.operand();
      this.eat("AND");
      return { k: "between", a, lo, hi: this.operand() };
    }
    if (this.isKw("IN")) {
      this.eat();
      this.eat("(");
      const list = [this.operand()];
      while (this.peek() === ",") {
        this.eat();
        list.push(this.operand());
      }
      this.eat(")");
      return { k: "in", a, list };
    }
    return a;
  }
  /** A value: path, :value, a function call, optionally `+`/`-` another (SET only). */
  operand(): Node {
    const a = this.atom();
    const op = this.peek();
    if (op === "+" || op === "-") {
      this.eat();
      return { k: "op", op, a, b: this.atom() };
    }
    return a;
  }
  atom(): Node {
    const tok = this.peek()!;
    if (tok.startsWith(":")) {
      this.eat();
      return { k: "val", name: tok };
    }
    if (this.t[this.i + 1] === "(" && /^[a-z_]+$/.test(tok)) {
      this.eat();
      this.eat("(");
      const args = [this.operand()];
      while (this.peek() === ",") {
        this.eat();
        args.push(this.operand());
      }
      this.eat(")");
      return { k: "fn", name: tok, args };
    }
    return { k: "path", path: this.path() };
  }
  path(): Path {
    const out: Path = [this.name(this.eat())];
    for (;;) {
      if (this.peek() === ".") {
        this.eat();
        out.push(this.name(this.eat()));
      } else if (this.peek() === "[") {
        this.eat();
        out.push(Number(this.eat()));
        this.eat("]");
      } else return out;
    }
  }
  name(tok: string): string {
    if (!tok.startsWith("#")) return tok;
    const n = this.names?.[tok];
    if (n === undefined) throw new Error(`missing name ${tok}`);
    return n;
  }
}

function get(item: Item | undefined, path: Path): unknown {
  let cur: unknown = item;
  for (const p of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

function value(n: Node, item: Item | undefined, vals: Values): unknown {
  switch (n.k) {
    case "path":
      return get(item, n.path);
    case "val":
      if (!vals || !(n.name in vals)) throw new Error(`missing value ${n.name}`);
      return vals[n.name];
    case "fn":
      return call(n, item, vals);
    case "op":
      if (n.op === "+" || n.op === "-") {
        const a = Number(value(n.a, item, vals));
        const b = Number(value(n.b, item, vals));
        return n.op === "+" ? a + b : a - b;
      }
      return truth(n, item, vals);
    default:
      return truth(n, item, vals);
  }
}

function call(n: Extract<Node, { k: "fn" }>, item: Item | undefined, vals: Values): unknown {
  const [x, y] = n.args;
  switch (n.name) {
    case "attribute_exists":
      return get(item, (x as { path: Path }).path) !== undefined;
    case "attribute_not_exists":
      return get(item, (x as { path: Path }).path) === undefined;
    case "begins_with": {
      const s = value(x!, item, vals);
      return typeof s === "string" && s.startsWith(String(value(y!, item, vals)));
    }
    case "contains": {
      const s = value(x!, item, vals);
      const v = value(y!, item, vals);
      if (typeof s === "string") return s.includes(String(v));
      if (Array.isArray(s)) return s.includes(v);
      if (s instanceof Set) return s.has(v);
      return false;
    }
    case "size": {
      const s = value(x!, item, vals);
      if (typeof s === "string" || Array.isArray(s)) return s.length;
      if (s instanceof Set) return s.size;
      return s && typeof s === "object" ? Object.keys(s).length : undefined;
    }
    case "attribute_type": {
      const v = get(item, (x as { path: Path }).path);
      const t =
        v === null
          ? "NULL"
          : typeof v === "string"
            ? "S"
            : typeof v === "number"
              ? "N"
              : typeof v === "boolean"
                ? "BOOL"
                : Array.isArray(v)
                  ? "L"
                  : v instanceof Set
                    ? "SS"
                    : "M";
      return v !== undefined && t === value(y!, item, vals);
    }
    case "if_not_exists": {
      const v = value(x!, item, vals);
      return v === undefined ? value(y!, item, vals) : v;
    }
    case "list_append":
      return [
        ...((value(x!, item, vals) as unknown[]) ?? []),
        ...((value(y!, item, vals) as unknown[]) ?? []),
      ];
    default:
      throw new Error(`unsupported function ${n.name}`);
  }
}

function compare(a: unknown, b: unknown): number | undefined {
  if (a === undefined || b === undefined) return undefined;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
}

function truth(n: Node, item: Item | undefined, vals: Values): boolean {
  if (n.k === "not") return !truth(n.a, item, vals);
  if (n.k === "between") {
    const lo = compare(value(n.a, item, vals), value(n.lo, item, vals));
    const hi = compare(value(n.a, item, vals), value(n.hi, item, vals));
    return lo !== undefined && hi !== undefined && lo >= 0 && hi <= 0;
  }
  if (n.k === "in") {
    const v = value(n.a, item, vals);
    return n.list.some((x) => value(x, item, vals) === v);
  }
  if (n.k === "op") {
    if (n.op === "AND") return truth(n.a, item, vals) && truth(n.b, item, vals);
    if (n.op === "OR") return truth(n.a, item, vals) || truth(n.b, item, vals);
    const a = value(n.a, item, vals);
    const b = value(n.b, item, vals);
    if (n.op === "=") return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
    if (n.op === "<>") return a !== undefined && JSON.stringify(a) !== JSON.stringify(b);
    const c = compare(a, b);
    if (c === undefined) return false;
    return n.op === "<" ? c < 0 : n.op === "<=" ? c <= 0 : n.op === ">" ? c > 0 : c >= 0;
  }
  return Boolean(value(n, item, vals));
}

export interface ExprInput {
  ExpressionAttributeNames?: Names;
  ExpressionAttributeValues?: Values;
}

/** Whether `item` (undefined: absent) satisfies the condition or filter expression. */
export function holds(expr: string | undefined, item: Item | undefined, input: ExprInput): boolean {
  if (!expr) return true;
  return truth(
    parsed(expr, input.ExpressionAttributeNames, "cond") as Node,
    item,
    input.ExpressionAttributeValues,
  );
}

function set(item: Item, path: Path, v: unknown): void {
  let cur: Record<string | number, unknown> = item;
  for (const p of path.slice(0, -1)) {
    cur[p] ??= {};
    cur = cur[p] as Record<string | number, unknown>;
  }
  cur[path.at(-1)!] = v;
}

function remove(item: Item, path: Path): void {
  const parent = path.length > 1 ? get(item, path.slice(0, -1)) : item;
  if (parent && typeof parent === "object") delete (parent as Record<string | number, unknown>)[path.at(-1)!];
}

type Action = { clause: string; path: Path; node?: Node };

function parseUpdate(p: Parser): Action[] {
  const out: Action[] = [];
  while (p.peek() !== undefined) {
    const clause = p.eat().toUpperCase();
    do {
      if (p.peek() === ",") p.eat();
      const path = p.path();
      if (clause === "SET") {
        p.eat("=");
        out.push({ clause, path, node: p.operand() });
      } else if (clause === "REMOVE") out.push({ clause, path });
      else if (clause === "ADD" || clause === "DELETE") out.push({ clause, path, node: p.atom() });
      else throw new Error(`unsupported update clause ${clause}`);
    } while (p.peek() === ",");
  }
  return out;
}

/** Parsed expressions by text and names: a run parses each distinct expression once. */
const cache = new Map<string, Node | Action[]>();
function parsed(expr: string, names: Names, kind: "cond" | "update"): Node | Action[] {
  const key = `${kind}\u0000${expr}\u0000${names ? JSON.stringify(names) : ""}`;
  let hit = cache.get(key);
  if (!hit) {
    const p = new Parser(tokenize(expr), names);
    hit = kind === "cond" ? p.cond() : parseUpdate(p);
    cache.set(key, hit);
  }
  return hit;
}

/** Applies an update expression to a copy of `item` (absent: a new item with the key). */
export function applyUpdate(expr: string, item: Item, input: ExprInput): Item {
  const out = structuredClone(item);
  const vals = input.ExpressionAttributeValues;
  for (const a of parsed(expr, input.ExpressionAttributeNames, "update") as Action[]) {
    if (a.clause === "SET") set(out, a.path, value(a.node!, item, vals));
    else if (a.clause === "REMOVE") remove(out, a.path);
    else if (a.clause === "ADD") {
      const v = value(a.node!, item, vals);
      const cur = get(out, a.path);
      if (v instanceof Set) set(out, a.path, new Set([...((cur as Set<unknown>) ?? []), ...v]));
      else set(out, a.path, Number(cur ?? 0) + Number(v));
    } else {
      const cur = new Set((get(out, a.path) as Set<unknown>) ?? []);
      for (const x of value(a.node!, item, vals) as Set<unknown>) cur.delete(x);
      set(out, a.path, cur);
    }
  }
  return out;
}

/** The attributes a projection keeps (top-level names only). */
export function project(item: Item, expr: string | undefined, names: Names): Item {
  if (!expr) return item;
  const keep = expr.split(",").map((s) => {
    const first = s.trim().split(/[.[]/)[0]!;
    return first.startsWith("#") ? names![first]! : first;
  });
  return Object.fromEntries(keep.filter((k) => k in item).map((k) => [k, item[k]]));
}
