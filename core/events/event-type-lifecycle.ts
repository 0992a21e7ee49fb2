/**
 * An event type's lifecycle (docs/event-types.md): its changes (`PATCH /v1/event-types/{name}`:
 * description, schema, examples, status) and its deletion. A default type is changed by
 * storing the organization's own copy of it, which the catalog reads in its place; it is
 * never deleted (archive it instead).
 */
import type { Uses } from "../deps.js";
import { DEFAULT_EVENT_TYPES } from "../event-types/index.js";
import {
  conflict,
  type EventTypeStatus,
  notFound,
  ServiceError,
  type StoredEventType,
  schemaVersionOf,
  statusOf,
  validationError,
} from "../model/index.js";
import { canonicalJson } from "./payload-hash.js";
import { checkExamples, checkNotReserved, checkSchema } from "./type-definition.js";

export interface EventTypeChange {
  description?: string;
  /** null removes the schema. */
  schema?: Record<string, unknown> | null;
  examples?: Record<string, unknown>[];
  status?: EventTypeStatus;
  /** With `status: "deprecated"` (or while deprecated): why, and what to use instead. */
  deprecation_note?: string;
  /** The type's own payload retention in days (docs/data.md); null: the organization's. */
  retention_days?: number | null;
}

type LifecycleDeps = Uses<"eventTypeStore" | "eventTypes" | "now">;

const isDefault = (name: string) => DEFAULT_EVENT_TYPES.some((t) => t.name === name);

/** The organization's stored copy of a type, or the default it starts from; 404 when neither. */
async function current(deps: LifecycleDeps, org: string, name: string) {
  checkNotReserved(name);
  const stored = await deps.eventTypeStore.get(org, name);
  if (stored) return { stored, def: stored };
  const base = DEFAULT_EVENT_TYPES.find((t) => t.name === name);
  if (!base) throw notFound(`event type ${name}`);
  return { stored: undefined, def: { ...base, created_at: deps.now().toISOString() } };
}

export async function updateEventType(
  deps: LifecycleDeps,
  org: string,
  name: string,
  change: EventTypeChange,
): Promise<StoredEventType> {
  const { stored, def } = await current(deps, org, name);
  const now = deps.now().toISOString();
  const next: StoredEventType = { ...def, updated_at: now };
  if (change.description !== undefined) next.description = change.description;
  if (change.retention_days === null) delete next.retention_days;
  else if (change.retention_days !== undefined) next.retention_days = change.retention_days;
  await applySchema(next, def, change);
  applyStatus(next, def, change, now);
  if (!(await deps.eventTypeStore.replace(org, next, stored))) {
    throw conflict("event_type_changed", `event type ${name} was changed meanwhile: read it again and retry`);
  }
  deps.eventTypes.invalidate(org);
  return next;
}

/** A new schema bumps the version; examples (new, or kept) must match the schema in force. */
async function applySchema(next: StoredEventType, def: StoredEventType, change: EventTypeChange) {
  if (
    change.schema !== undefined &&
    canonicalJson(change.schema ?? undefined) !== canonicalJson(def.schema)
  ) {
    if (change.schema === null) delete next.schema;
    else {
      await checkSchema(change.schema);
      next.schema = change.schema;
    }
    next.schema_version = schemaVersionOf(def) + 1;
  }
  if (change.examples !== undefined) {
    if (change.examples.length === 0) delete next.examples;
    else next.examples = change.examples;
  }
  if (next.examples && (change.examples !== undefined || next.schema_version !== def.schema_version)) {
    const where =
      change.examples === undefined ? "the type's examples (send new ones with the schema)" : "examples";
    await checkExamples(next.examples, next.schema, where);
  }
}

function applyStatus(next: StoredEventType, def: StoredEventType, change: EventTypeChange, now: string) {
  const status = change.status ?? statusOf(def);
  if (change.deprecation_note !== undefined && status !== "deprecated") {
    throw validationError("deprecation_note goes with status deprecated");
  }
  next.status = status;
  if (status === "deprecated") {
    next.deprecation = {
      note: change.deprecation_note ?? def.deprecation?.note ?? `${def.name} is deprecated`,
      deprecated_at: def.deprecation?.deprecated_at ?? now,
    };
  } else delete next.deprecation;
  if (status === "archived") next.archived_at = def.archived_at ?? now;
  else delete next.archived_at;
}

/** Deletes an organization's own type, only when no endpoint subscribes to it by name (409 otherwise). */
export async function deleteEventType(
  deps: LifecycleDeps & Uses<"endpointStore">,
  org: string,
  name: string,
): Promise<void> {
  checkNotReserved(name);
  if (isDefault(name)) {
    throw conflict(
      "default_event_type",
      `${name} is one of the default event types every organization has: archive it instead (PATCH with status archived)`,
    );
  }
  if (!(await deps.eventTypeStore.get(org, name))) throw notFound(`event type ${name}`);
  const subscribers = (await deps.endpointStore.listAll(org)).filter((e) => e.event_types.includes(name));
  if (subscribers.length > 0) {
    const ids = subscribers.map((e) => e.id);
    throw new ServiceError(
      409,
      "event_type_in_use",
      `event type ${name} is subscribed by ${ids.length} endpoint(s) (${ids.slice(0, 5).join(", ")}${ids.length > 5 ? ", …" : ""}): remove it from their event_types first, or archive the type`,
      { endpoints: ids.slice(0, 100), count: ids.length },
    );
  }
  if (!(await deps.eventTypeStore.remove(org, name))) throw notFound(`event type ${name}`);
  deps.eventTypes.invalidate(org);
}
