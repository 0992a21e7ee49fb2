/**
 * An entry of an organization's event-type catalog, and its lifecycle (docs/event-types.md):
 * `active`, then `deprecated` (still accepted; answers carry the note), then `archived`
 * (refused at publish and for new subscriptions; what was published is still delivered).
 */
/** Lowercase dot-separated segments of a-z, 0-9, _ and - (e.g. billing.invoice.paid). */
export const EVENT_TYPE_NAME = /^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)*$/;

export type EventTypeStatus = "active" | "deprecated" | "archived";

export interface EventTypeDef {
  name: string;
  description: string;
  /** JSON Schema for `data`; events whose data does not match are rejected. */
  schema?: Record<string, unknown>;
  /** Sample `data` values (each matches the schema): the portal and the OpenAPI export show them. */
  examples?: Record<string, unknown>[];
  /** Bumped by every change of `schema`; each event records the version it was validated against. Absent: 1. */
  schema_version?: number;
  /** Absent: active. */
  status?: EventTypeStatus;
  /** Set while deprecated: why, and what to use instead. */
  deprecation?: Deprecation;
  archived_at?: string;
  /** How long events of this type keep their payload, in days (RETENTION_DAYS); the organization's when absent. */
  retention_days?: number;
}

export interface Deprecation {
  note: string;
  deprecated_at: string;
}

/** An organization's own event type as it is stored (or its change to a default type). */
export interface StoredEventType extends EventTypeDef {
  created_at: string;
  updated_at?: string;
  /** Incremented by every write: a change is written only over the version it was made from. */
  revision?: number;
}

export const statusOf = (t: EventTypeDef): EventTypeStatus => t.status ?? "active";
export const schemaVersionOf = (t: EventTypeDef): number => t.schema_version ?? 1;
