/** An entry of an organization's event-type catalog. */
export interface EventTypeDef {
  name: string;
  description: string;
  /** JSON Schema for `data`; events whose data does not match are rejected. */
  schema?: Record<string, unknown>;
}
