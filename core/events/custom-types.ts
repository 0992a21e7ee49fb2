/** Adding event types to an organization's catalog (POST /v1/event-types). */
import type { Uses } from "../deps.js";
import { DEFAULT_EVENT_TYPES } from "../event-types/index.js";
import { conflict, type StoredEventType } from "../model/index.js";
import { checkExamples, checkNotReserved, checkSchema } from "./type-definition.js";

export interface NewEventType {
  name: string;
  description: string;
  schema?: Record<string, unknown>;
  examples?: Record<string, unknown>[];
  /** Payload retention of this type's events, in days (within RETENTION_DAYS, checked by the API schema). */
  retention_days?: number;
}

/** Checks a new type's definition (schema, examples) without storing it. */
export async function checkNewEventType(input: NewEventType): Promise<void> {
  checkNotReserved(input.name);
  if (input.schema !== undefined) await checkSchema(input.schema);
  if (input.examples !== undefined) await checkExamples(input.examples, input.schema);
}

export const typeTaken = (name: string) => conflict("event_type_exists", `event type ${name} already exists`);

/** The stored form of a new type: schema version 1, active. */
export function newStoredType(input: NewEventType, now: Date): StoredEventType {
  return {
    name: input.name,
    description: input.description,
    ...(input.schema === undefined ? {} : { schema: input.schema }),
    ...(input.examples === undefined || input.examples.length === 0 ? {} : { examples: input.examples }),
    schema_version: 1,
    created_at: now.toISOString(),
    ...(input.retention_days === undefined ? {} : { retention_days: input.retention_days }),
  };
}

export async function createEventType(
  deps: Uses<"eventTypeStore" | "eventTypes" | "now">,
  org: string,
  input: NewEventType,
): Promise<StoredEventType> {
  await checkNewEventType(input);
  if (DEFAULT_EVENT_TYPES.some((t) => t.name === input.name)) throw typeTaken(input.name);
  const def = newStoredType(input, deps.now());
  if (!(await deps.eventTypeStore.put(org, def))) throw typeTaken(input.name);
  deps.eventTypes.invalidate(org);
  return def;
}
