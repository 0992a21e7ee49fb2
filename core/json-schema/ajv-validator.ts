/**
 * JSON Schema validation of event `data` against the catalog's schemas, with ajv and an RE2
 * regex engine. Compiling is the expensive part (code generation), so validators are cached
 * by schema text for the life of the process: a warm ingest function compiles each schema once.
 * Loaded on first use only, through ./validator.ts (docs/cost.md, "Bundles and cold start").
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import type { RegExpEngine } from "ajv/dist/types/index.js";
import addFormatsModule from "ajv-formats";
import { RE2JS } from "re2js";
import { MAX_DATA_DEPTH, MAX_VALIDATION_WORK } from "../model/index.js";
import { type SchemaCost, schemaCost, validationWork } from "./complexity.js";
import { type SchemaIssue, ValidationBudgetExceeded } from "./validation-result.js";

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the
// module object for TypeScript but the function at runtime. Accept both shapes.
type FormatsPlugin = (ajv: Ajv) => Ajv;
const addFormats: FormatsPlugin =
  (addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  (addFormatsModule as unknown as FormatsPlugin);

/**
 * Tenant schemas may carry `pattern`s, and a backtracking engine can take exponential time on
 * a pattern like `^(a+)+$`: one event could stall the ingest function. RE2 matches in linear
 * time; the price is RE2 syntax (no backreferences or lookaround), which fails at `POST
 * /v1/event-types` rather than at ingest.
 */
const re2: RegExpEngine = Object.assign(
  (pattern: string) => {
    const re = RE2JS.compile(pattern);
    return { test: (s: string) => re.matcher(s).find() };
  },
  { code: "re2js" },
);

// strict: false because schemas come from tenants and may carry annotations ajv does not know.
const ajv = addFormats(new Ajv({ allErrors: true, strict: false, code: { regExp: re2 } }));

const MAX_CACHED = 500;
export interface Compiled {
  fn: ValidateFunction;
  cost: SchemaCost;
}
const validators = new Map<string, Compiled>();

/**
 * The compiled validator for a schema and its work bounds (complexity.ts). Throws
 * SchemaTooComplex, checked first (before ajv spends time on the schema), or ajv's error
 * when the schema itself is invalid.
 */
export function validatorFor(schema: Record<string, unknown>): Compiled {
  const key = JSON.stringify(schema);
  let compiled = validators.get(key);
  if (!compiled) {
    const cost = schemaCost(schema, MAX_DATA_DEPTH);
    compiled = { fn: ajv.compile(schema), cost };
    // A crude bound: the catalog is small, so hitting it means churn, and starting over is fine.
    if (validators.size >= MAX_CACHED) validators.clear();
    validators.set(key, compiled);
  }
  return compiled;
}

/**
 * Validation problems of `data`, or an empty list. Throws ValidationBudgetExceeded, before
 * running the validator, when `data` could make it do more than MAX_VALIDATION_WORK.
 */
export function schemaIssues(schema: Record<string, unknown>, data: unknown): SchemaIssue[] {
  const { fn, cost } = validatorFor(schema);
  const work = validationWork(cost, data);
  if (work > MAX_VALIDATION_WORK) throw new ValidationBudgetExceeded(work);
  if (fn(data)) return [];
  return (fn.errors ?? []).slice(0, 20).map((e: ErrorObject) => ({
    path: e.instancePath || "/",
    message: e.message ?? "is invalid",
  }));
}
