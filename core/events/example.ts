/**
 * A sample `data` for an event type, derived from its JSON Schema: what the portal shows
 * next to a type and what a test event of that type carries. Pure and dependency-free (the
 * portal's browser bundle imports it too). Best effort: it follows type, enum, const,
 * default, examples, required properties and array minItems, which is what catalog schemas use.
 */
type Schema = Record<string, unknown>;

const MAX_DEPTH = 6;

export function exampleForSchema(schema: unknown, depth = 0): unknown {
  if (!schema || typeof schema !== "object" || depth > MAX_DEPTH) return null;
  const s = schema as Schema;
  if ("const" in s) return s.const;
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  if ("default" in s) return s.default;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  for (const key of ["oneOf", "anyOf", "allOf"]) {
    const list = s[key];
    if (Array.isArray(list) && list.length > 0) return exampleForSchema(list[0], depth + 1);
  }
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== "null") : s.type;
  switch (type) {
    case "object":
      return objectExample(s, depth);
    case "array": {
      const n = typeof s.minItems === "number" ? Math.min(s.minItems, 3) : 1;
      return Array.from({ length: n }, () => exampleForSchema(s.items, depth + 1));
    }
    case "string":
      return stringExample(s);
    case "integer":
    case "number":
      return typeof s.minimum === "number" ? s.minimum : 1;
    case "boolean":
      return true;
    case "null":
      return null;
    default:
      return s.properties ? objectExample(s, depth) : null;
  }
}

function objectExample(s: Schema, depth: number): Record<string, unknown> {
  const props = (s.properties ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [name, sub] of Object.entries(props)) out[name] = exampleForSchema(sub, depth + 1);
  return out;
}

function stringExample(s: Schema): string {
  switch (s.format) {
    case "date-time":
      return "2026-01-01T00:00:00Z";
    case "date":
      return "2026-01-01";
    case "email":
      return "user@example.com";
    case "uri":
    case "url":
      return "https://example.com";
    case "uuid":
      return "00000000-0000-4000-8000-000000000000";
  }
  const min = typeof s.minLength === "number" ? s.minLength : 0;
  return "example".padEnd(min, "x");
}

/** The data of a sample event of a type: from its schema, or a generic note without one. */
export function exampleData(type: { name: string; schema?: Record<string, unknown> }): unknown {
  if (type.schema) return exampleForSchema(type.schema);
  return { message: `A sample ${type.name} event.` };
}
