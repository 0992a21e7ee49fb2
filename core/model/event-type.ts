/** An entry of an organization's event-type catalog. */
export interface EventTypeDef {
  name: string;
  description: string;
  /** JSON Schema for `data`; events whose data does not match are rejected. */
  schema?: Record<string, unknown>;
}

/** An organization's own event type as it is stored. */
export interface StoredEventType extends EventTypeDef {
  created_at: string;
}
