/**
 * JSON Schema validation of event `data` against the catalog's schemas (ajv, in
 * ./ajv-validator.ts). ajv, its formats and the RE2 engine are ~290 KB of code that most
 * invocations never run (an event type without a schema needs none of it), so they are
 * imported on the first schema, in a chunk of their own, instead of at every cold start
 * (docs/cost.md, "Bundles and cold start").
 */
import type { Compiled } from "./ajv-validator.js";
import type { SchemaIssue } from "./validation-result.js";

export { type SchemaIssue, ValidationBudgetExceeded } from "./validation-result.js";

type Validator = typeof import("./ajv-validator.js");
let loaded: Promise<Validator> | undefined;
const load = (): Promise<Validator> => (loaded ??= import("./ajv-validator.js"));

/**
 * The compiled validator for a schema and its work bounds (complexity.ts). Rejects with
 * SchemaTooComplex, checked first (before ajv spends time on the schema), or with ajv's error
 * when the schema itself is invalid.
 */
export async function validatorFor(schema: Record<string, unknown>): Promise<Compiled> {
  return (await load()).validatorFor(schema);
}

/**
 * Validation problems of `data`, or an empty list. Rejects with ValidationBudgetExceeded,
 * before running the validator, when `data` could make it do more than MAX_VALIDATION_WORK.
 */
export async function schemaIssues(schema: Record<string, unknown>, data: unknown): Promise<SchemaIssue[]> {
  return (await load()).schemaIssues(schema, data);
}
