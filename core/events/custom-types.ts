/** Adding event types to an organization's catalog (POST /v1/event-types). */
import type { Uses } from "../deps.js";
import { DEFAULT_EVENT_TYPES } from "../event-types/index.js";
import { SchemaTooComplex, validatorFor } from "../json-schema/index.js";
import {
  conflict,
  isOperationalType,
  MAX_DATA_DEPTH,
  OPERATIONAL_PREFIX,
  ServiceError,
  type StoredEventType,
  validationError,
} from "../model/index.js";
import { jsonShapeIssue } from "./validate.js";

export interface NewEventType {
  name: string;
  description: string;
  schema?: Record<string, unknown>;
}

export async function createEventType(
  deps: Uses<"eventTypeStore" | "now">,
  org: string,
  input: NewEventType,
): Promise<StoredEventType> {
  if (isOperationalType(input.name)) {
    throw new ServiceError(
      400,
      "reserved_event_type",
      `event types starting with ${OPERATIONAL_PREFIX} are the service's own`,
    );
  }
  if (input.schema !== undefined) {
    const shape = jsonShapeIssue(input.schema, MAX_DATA_DEPTH);
    if (shape) throw validationError(`schema ${shape}`);
    try {
      // Compiling now means ingest never meets a schema it cannot use.
      await validatorFor(input.schema);
    } catch (err) {
      if (err instanceof SchemaTooComplex) {
        throw new ServiceError(400, "schema_too_complex", `schema ${err.message}`);
      }
      throw validationError("schema is not a valid JSON Schema", {
        reason: (err as Error).message.slice(0, 500),
      });
    }
  }
  const taken = () => conflict("event_type_exists", `event type ${input.name} already exists`);
  if (DEFAULT_EVENT_TYPES.some((t) => t.name === input.name)) throw taken();
  const def: StoredEventType = {
    name: input.name,
    description: input.description,
    ...(input.schema === undefined ? {} : { schema: input.schema }),
    created_at: deps.now().toISOString(),
  };
  if (!(await deps.eventTypeStore.put(org, def))) throw taken();
  return def;
}
