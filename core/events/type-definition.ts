/**
 * What an event type's definition must satisfy before it is stored, whether it comes from
 * `POST /v1/event-types`, a `PATCH` or an imported OpenAPI document: a schema that compiles
 * within its bounds (so ingest never meets one it cannot use), and examples that match it.
 */
import { SchemaTooComplex, schemaIssues, validatorFor } from "../json-schema/index.js";
import {
  isOperationalType,
  MAX_DATA_DEPTH,
  MAX_EXAMPLE_BYTES,
  OPERATIONAL_PREFIX,
  ServiceError,
  validationError,
} from "../model/index.js";
import { jsonShapeIssue } from "./validate.js";

/** `GET /v1/event-types/openapi.json` is the catalog document, so no type may be called that. */
const ROUTE_NAMES = ["openapi.json"];

export function checkNotReserved(name: string): void {
  if (ROUTE_NAMES.includes(name)) {
    throw new ServiceError(400, "reserved_event_type", `${name} is the name of a route of /v1/event-types`);
  }
  if (isOperationalType(name)) {
    throw new ServiceError(
      400,
      "reserved_event_type",
      `event types starting with ${OPERATIONAL_PREFIX} are the service's own`,
    );
  }
}

/** Refuses a schema that is not JSON Schema, breaks the storable shape, or is over its bounds. */
export async function checkSchema(schema: Record<string, unknown>, where = "schema"): Promise<void> {
  const shape = jsonShapeIssue(schema, MAX_DATA_DEPTH);
  if (shape) throw validationError(`${where} ${shape}`);
  try {
    // Compiling now means ingest never meets a schema it cannot use.
    await validatorFor(schema);
  } catch (err) {
    if (err instanceof SchemaTooComplex) {
      throw new ServiceError(400, "schema_too_complex", `${where} ${err.message}`);
    }
    throw validationError(`${where} is not a valid JSON Schema`, {
      reason: (err as Error).message.slice(0, 500),
    });
  }
}

/** Refuses examples over their size, of a shape no event could have, or that do not match the schema. */
export async function checkExamples(
  examples: readonly Record<string, unknown>[],
  schema: Record<string, unknown> | undefined,
  where = "examples",
): Promise<void> {
  for (const [i, example] of examples.entries()) {
    const at = `${where}[${i}]`;
    const shape = jsonShapeIssue(example, MAX_DATA_DEPTH);
    if (shape) throw validationError(`${at} ${shape}`);
    const size = Buffer.byteLength(JSON.stringify(example), "utf8");
    if (size > MAX_EXAMPLE_BYTES) {
      throw validationError(`${at} is ${size} bytes; the limit is ${MAX_EXAMPLE_BYTES}`);
    }
    if (!schema) continue;
    const issues = await schemaIssues(schema, example).catch(() => [
      { path: "", message: "over the validation budget" },
    ]);
    if (issues.length > 0) {
      throw new ServiceError(400, "example_mismatch", `${at} does not match the schema`, issues);
    }
  }
}
