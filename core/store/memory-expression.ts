/**
 * DynamoDB's expression language, parsed for the in-memory table (memory-db.ts): condition,
 * filter and key-condition expressions, update expressions and projections, with `#name`
 * placeholders resolved. The grammar is DynamoDB's (docs: "Condition and filter expressions",
 * "Update expressions"); what the stores do not write is refused loudly, never guessed.
 */

/** An attribute path: names and list indexes (`a.b[0]`). */
export type Path = (string | number)[];

export type Operand =
  | { kind: "path"; path: Path }
  | { kind: "value"; name: string }
  | { kind: "size"; path: Path }
  | { kind: "if_not_exists"; path: Path; fallback: Operand }
  | { kind: "list_append"; a: Operand; b: Operand }
  | { kind: "arith"; op: "+" | "-"; a: Operand; b: Operand };

export type Condition =
  | { kind: "and" | "or"; a: Condition; b: Condition }
  | { kind: "not"; a: Condition }
  | { kind: "compare"; op: "=" | "<>" | "<" | "<=" | ">" | ">="; a: Operand; b: Operand }
  | { kind: "between"; a: Operand; low: Operand; high: Operand }
  | { kind: "in"; a: Operand; list: Operand[] }
  | { kind: "fn"; name: string; path: Path; arg?: Operand };

export interface UpdateActions {
  set: { path: Path; value: Operand }[];
  remove: Path[];
  add: { path: Path; value: Operand }[];
  delete: { path: Path; value: Operand }[];
}

const TOKEN = /\s*(#[\w]+|:[\w]+|[A-Za-z_][\w]*|\d+|<>|<=|>=|[=<>(),.[\]+-])/y;

class Parser {
  private tokens: string[] = [];
  private i = 0;
  constructor(
    text: string,
    private readonly names: Record<string, string> = {},
  ) {
    TOKEN.lastIndex = 0;
    let m: RegExpExecArray | null;
    let at = 0;
    while (at < text.length && text.slice(at).trim() !== "") {
      TOKEN.lastIndex = at;
      m = TOKEN.exec(text);
      if (!m) throw syntax(`cannot read "${text.slice(at)}"`);
      this.tokens.push(m[1]!);
      at = TOKEN.lastIndex;
    }
  }
  peek = (): string | undefined => this.tokens[this.i];
  next = (): string => {
    const t = this.tokens[this.i++];
    if (t === undefined) throw syntax("unexpected end of expression");
    return t;
  };
  isKeyword = (word: string): boolean => this.peek()?.toUpperCase() === word;
  expect(t: string): void {
    const got = this.next();
    if (got.toUpperCase() !== t) throw syntax(`expected "${t}", got "${got}"`);
  }
  done = (): boolean => this.i >= this.tokens.length;

  path(): Path {
    const out: Path = [this.name()];
    for (;;) {
      if (this.peek() === ".") {
        this.next();
        out.push(this.name());
      } else if (this.peek() === "[") {
        this.next();
        out.push(Number(this.next()));
        this.expect("]");
      } else return out;
    }
  }
  private name(): string {
    const t = this.next();
    if (t.startsWith("#")) {
      const resolved = this.names[t];
      if (resolved === undefined) throw syntax(`${t} is not in ExpressionAttributeNames`);
      return resolved;
    }
    if (!/^[A-Za-z_]\w*$/.test(t)) throw syntax(`"${t}" is not an attribute name`);
    return t;
  }

  operand(): Operand {
    const t = this.peek();
    if (t?.startsWith(":")) return { kind: "value", name: this.next() };
    const fn = t?.toLowerCase();
    if (fn === "size" && this.tokens[this.i + 1] === "(") {
      this.next();
      this.expect("(");
      const path = this.path();
      this.expect(")");
      return { kind: "size", path };
    }
    return { kind: "path", path: this.path() };
  }

  /** OR binds looser than AND: `a OR b AND c` is `a OR (b AND c)`; both associate to the left. */
  condition(): Condition {
    return this.chain("OR", () => this.chain("AND", () => this.negation()));
  }
  private chain(word: "OR" | "AND", operand: () => Condition): Condition {
    let left = operand();
    while (this.isKeyword(word)) {
      this.next();
      left = { kind: word === "OR" ? "or" : "and", a: left, b: operand() };
    }
    return left;
  }
  private negation(): Condition {
    if (this.isKeyword("NOT")) {
      this.next();
      return { kind: "not", a: this.negation() };
    }
    return this.primary();
  }
  private primary(): Condition {
    if (this.peek() === "(") {
      this.next();
      const inner = this.condition();
      this.expect(")");
      return inner;
    }
    const fn = this.peek()?.toLowerCase();
    if (CONDITION_FNS.has(fn ?? "") && this.tokens[this.i + 1] === "(") return this.function(fn!);
    const a = this.operand();
    if (this.isKeyword("BETWEEN")) {
      this.next();
      const low = this.operand();
      this.expect("AND");
      return { kind: "between", a, low, high: this.operand() };
    }
    if (this.isKeyword("IN")) {
      this.next();
      this.expect("(");
      const list = [this.operand()];
      while (this.peek() === ",") {
        this.next();
        list.push(this.operand());
      }
      this.expect(")");
      return { kind: "in", a, list };
    }
    const op = this.next();
    if (!COMPARATORS.has(op)) throw syntax(`expected a comparator, got "${op}"`);
    return { kind: "compare", op: op as "=", a, b: this.operand() };
  }
  private function(name: string): Condition {
    this.next();
    this.expect("(");
    const path = this.path();
    let arg: Operand | undefined;
    if (this.peek() === ",") {
      this.next();
      arg = this.operand();
    }
    this.expect(")");
    return { kind: "fn", name, path, arg };
  }

  setValue(): Operand {
    const a = this.setOperand();
    const op = this.peek();
    if (op === "+" || op === "-") {
      this.next();
      return { kind: "arith", op, a, b: this.setOperand() };
    }
    return a;
  }
  private setOperand(): Operand {
    const fn = this.peek()?.toLowerCase();
    if (fn === "if_not_exists" && this.tokens[this.i + 1] === "(") {
      this.next();
      this.expect("(");
      const path = this.path();
      this.expect(",");
      const fallback = this.setOperand();
      this.expect(")");
      return { kind: "if_not_exists", path, fallback };
    }
    if (fn === "list_append" && this.tokens[this.i + 1] === "(") {
      this.next();
      this.expect("(");
      const a = this.setOperand();
      this.expect(",");
      const b = this.setOperand();
      this.expect(")");
      return { kind: "list_append", a, b };
    }
    return this.operand();
  }
}

const CONDITION_FNS = new Set([
  "attribute_exists",
  "attribute_not_exists",
  "attribute_type",
  "begins_with",
  "contains",
]);
const COMPARATORS = new Set(["=", "<>", "<", "<=", ">", ">="]);
const CLAUSES = new Set(["SET", "REMOVE", "ADD", "DELETE"]);

function syntax(message: string): Error {
  const err = new Error(`Invalid expression: ${message}`);
  err.name = "ValidationException";
  return err;
}

const conditions = new Map<string, Condition>();

/** A condition, filter or key-condition expression (parsed once per text and names). */
export function parseCondition(text: string, names?: Record<string, string>): Condition {
  const key = `${text}\u0000${JSON.stringify(names ?? {})}`;
  const hit = conditions.get(key);
  if (hit) return hit;
  const p = new Parser(text, names);
  const c = p.condition();
  if (!p.done()) throw syntax(`unexpected "${p.peek()}"`);
  if (conditions.size > 10_000) conditions.clear();
  conditions.set(key, c);
  return c;
}

/** An update expression: its SET, REMOVE, ADD and DELETE clauses, in any order. */
export function parseUpdate(text: string, names?: Record<string, string>): UpdateActions {
  const p = new Parser(text, names);
  const out: UpdateActions = { set: [], remove: [], add: [], delete: [] };
  while (!p.done()) {
    const clause = p.next().toUpperCase();
    if (!CLAUSES.has(clause)) throw syntax(`expected SET, REMOVE, ADD or DELETE, got "${clause}"`);
    do {
      const path = p.path();
      if (clause === "REMOVE") out.remove.push(path);
      else if (clause === "SET") {
        p.expect("=");
        out.set.push({ path, value: p.setValue() });
      } else out[clause === "ADD" ? "add" : "delete"].push({ path, value: p.operand() });
    } while (p.peek() === "," && p.next() && !CLAUSES.has((p.peek() ?? "").toUpperCase()));
  }
  return out;
}

/** A projection expression: the paths to keep. */
export function parseProjection(text: string, names?: Record<string, string>): Path[] {
  const p = new Parser(text, names);
  const out = [p.path()];
  while (!p.done()) {
    p.expect(",");
    out.push(p.path());
  }
  return out;
}
