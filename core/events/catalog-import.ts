/**
 * Reading event types out of an OpenAPI 3.1 document's `webhooks` (`POST /v1/event-types/import`,
 * docs/event-types.md): the inverse of catalog-export.ts, and of hand-written documents of the
 * same shape. Each webhook's POST body is the envelope (`data` is the type's schema) or, when it
 * has no `data` property, the data schema itself; the components a schema refers to come
 * along under its `$defs` (`bundled`), so each type's schema stands alone once stored.
 * Pure; every problem is reported per type, so a bad document is refused whole with its list.
 */
import {
  EVENT_TYPE_NAME,
  type EventTypeStatus,
  MAX_DEPRECATION_NOTE,
  MAX_EVENT_TYPE_DESCRIPTION,
  MAX_EVENT_TYPE_EXAMPLES,
  MAX_EVENT_TYPE_LENGTH,
  MAX_IMPORT_TYPES,
  ServiceError,
} from "../model/index.js";
import { GENERATED } from "./catalog-export.js";

export interface ImportedType {
  name: string;
  description: string;
  schema?: Record<string, unknown>;
  examples?: Record<string, unknown>[];
  status: EventTypeStatus;
  deprecation_note?: string;
}

export interface TypeProblem {
  type: string;
  message: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const COMPONENT = "#/components/schemas/";

class Problem extends Error {}

/** Components one schema may bring in: a bound on the work an import document can cause. */
const MAX_BUNDLED = 100;

function componentsOf(doc: Obj): Obj {
  return isObj(doc.components) && isObj(doc.components.schemas) ? doc.components.schemas : {};
}

/** The component a `#/components/schemas/…` pointer names, and what follows it. */
function splitRef(ref: string): [string, string] | undefined {
  if (!ref.startsWith(COMPONENT)) return undefined;
  const tail = ref.slice(COMPONENT.length);
  const slash = tail.indexOf("/");
  return slash < 0 ? [tail, ""] : [tail.slice(0, slash), tail.slice(slash)];
}

/**
 * A schema of the document as a type's schema stands alone: a `$ref` to a component is that
 * component, and every component it refers to comes along under its `$defs` (the export's
 * hoisted definitions back under their own key and name, `x-hookrelay-def`), its refs
 * rewritten to match. Refs anywhere else in the document cannot be stored with a type.
 */
function bundled(doc: Obj, schema: unknown): Obj {
  if (!isObj(schema)) throw new Problem("has no JSON Schema for its body");
  const components = componentsOf(doc);
  const placed = new Map<string, string>();
  const queue: [string, string, string][] = [];
  const place = (name: string): string => {
    const at = placed.get(name);
    if (at !== undefined) return at;
    if (!isObj(components[name]))
      throw new Problem(`refers to ${COMPONENT}${name}, which the document does not have`);
    if (placed.size >= MAX_BUNDLED) throw new Problem(`refers to more than ${MAX_BUNDLED} schemas`);
    const mark = components[name]["x-hookrelay-def"];
    const key = isObj(mark) && mark.key === "definitions" ? "definitions" : "$defs";
    const def = isObj(mark) && typeof mark.name === "string" ? mark.name : name;
    const pointer = `#/${key}/${def.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    placed.set(name, pointer);
    queue.push([name, key, def]);
    return pointer;
  };
  const rewrite = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rewrite);
    if (!isObj(v)) return v;
    const out: Obj = {};
    for (const [k, sub] of Object.entries(v)) {
      if (k === "x-hookrelay-def") continue;
      if (k !== "$ref" || typeof sub !== "string" || !sub.startsWith("#/components/")) out[k] = rewrite(sub);
      else {
        const split = splitRef(sub);
        if (!split)
          throw new Problem(`refers to ${sub}: only schemas of #/components/schemas can come along`);
        out[k] = place(split[0]) + split[1];
      }
    }
    return out;
  };
  const rootRef = typeof schema.$ref === "string" ? splitRef(schema.$ref) : undefined;
  if (rootRef && rootRef[1] === "") placed.set(rootRef[0], "#");
  const root = rootRef && rootRef[1] === "" ? components[rootRef[0]] : schema;
  if (!isObj(root)) throw new Problem(`refers to ${String(schema.$ref)}, which the document does not have`);
  const out = rewrite(root) as Obj;
  for (let next = queue.shift(); next; next = queue.shift()) {
    const [name, key, def] = next;
    const defs = isObj(out[key]) ? out[key] : {};
    defs[def] = rewrite(components[name]);
    out[key] = defs;
  }
  return out;
}

/** The body's schema, one `$ref` followed (the export's `#/components/schemas/<Name>Event`). */
function bodySchema(doc: Obj, schema: unknown): Obj {
  if (!isObj(schema)) throw new Problem("has no JSON Schema for its body");
  const split = typeof schema.$ref === "string" ? splitRef(schema.$ref) : undefined;
  if (!split) return schema;
  const target = split[1] === "" ? componentsOf(doc)[split[0]] : undefined;
  if (!isObj(target)) throw new Problem(`refers to ${String(schema.$ref)}, which the document does not have`);
  return target;
}

/** The envelope's `data` schema, or the whole body's when it is not an envelope; undefined: no schema. */
function dataSchema(doc: Obj, schema: unknown): Obj | undefined {
  const body = bodySchema(doc, schema);
  const props = isObj(body.properties) ? body.properties : undefined;
  if (!props || !("data" in props)) return bundled(doc, schema);
  const data = bundled(doc, props.data);
  // The export's stand-in for a type without a schema.
  const keys = Object.keys(data).sort().join(",");
  if (keys === "additionalProperties,type" && data.type === "object" && data.additionalProperties === true) {
    return undefined;
  }
  return data;
}

function examplesOf(content: Obj): Record<string, unknown>[] | undefined {
  const values = isObj(content.examples)
    ? Object.entries(content.examples)
        .filter(([key]) => key !== GENERATED)
        .map(([, e]) => (isObj(e) ? e.value : undefined))
    : "example" in content
      ? [content.example]
      : [];
  const data = values.map((v) => (isObj(v) && isObj(v.data) && "type" in v ? v.data : v));
  if (data.length === 0) return undefined;
  if (data.length > MAX_EVENT_TYPE_EXAMPLES)
    throw new Problem(`has more than ${MAX_EVENT_TYPE_EXAMPLES} examples`);
  if (!data.every(isObj)) throw new Problem("has an example whose data is not a JSON object");
  return data as Record<string, unknown>[];
}

function statusOf(op: Obj): Pick<ImportedType, "status" | "deprecation_note"> {
  const declared = op["x-hookrelay-status"];
  const status: EventTypeStatus =
    declared === "archived" || declared === "deprecated" || declared === "active"
      ? declared
      : op.deprecated === true
        ? "deprecated"
        : "active";
  const note = op["x-hookrelay-deprecation"];
  if (status !== "deprecated") return { status };
  if (typeof note !== "string") return { status };
  if (note.length === 0 || note.length > MAX_DEPRECATION_NOTE) {
    throw new Problem(`has an x-hookrelay-deprecation note over ${MAX_DEPRECATION_NOTE} characters`);
  }
  return { status, deprecation_note: note };
}

function importedType(doc: Obj, name: string, item: unknown): ImportedType {
  if (name.length > MAX_EVENT_TYPE_LENGTH || !EVENT_TYPE_NAME.test(name)) {
    throw new Problem("is not an event-type name (lowercase dot-separated segments of a-z, 0-9, _ and -)");
  }
  const op = isObj(item) ? item.post : undefined;
  if (!isObj(op)) throw new Problem("has no post operation");
  const description = typeof op.description === "string" ? op.description : op.summary;
  if (typeof description !== "string" || description.length === 0)
    throw new Problem("has no description or summary");
  if (description.length > MAX_EVENT_TYPE_DESCRIPTION) {
    throw new Problem(`has a description over ${MAX_EVENT_TYPE_DESCRIPTION} characters`);
  }
  const body = isObj(op.requestBody) ? op.requestBody : {};
  const content = isObj(body.content) ? body.content["application/json"] : undefined;
  if (!isObj(content)) throw new Problem("has no application/json request body");
  const schema = dataSchema(doc, content.schema);
  const examples = examplesOf(content);
  return {
    name,
    description,
    ...(schema ? { schema } : {}),
    ...(examples ? { examples } : {}),
    ...statusOf(op),
  };
}

/** The types of a document, or a 400 naming every type that is wrong (and why). */
export function typesFromDocument(doc: Record<string, unknown>): ImportedType[] {
  if (typeof doc.openapi !== "string" || !doc.openapi.startsWith("3.1")) {
    throw new ServiceError(400, "invalid_document", "the document is not OpenAPI 3.1 (`openapi: 3.1.x`)");
  }
  const webhooks = doc.webhooks;
  if (!isObj(webhooks) || Object.keys(webhooks).length === 0) {
    throw new ServiceError(400, "invalid_document", "the document has no `webhooks`: nothing to import");
  }
  const entries = Object.entries(webhooks);
  if (entries.length > MAX_IMPORT_TYPES) {
    throw new ServiceError(
      400,
      "too_many_types",
      `the document has ${entries.length} webhooks; at most ${MAX_IMPORT_TYPES} per import`,
    );
  }
  const problems: TypeProblem[] = [];
  const types: ImportedType[] = [];
  for (const [name, item] of entries) {
    try {
      types.push(importedType(doc, name, item));
    } catch (err) {
      if (!(err instanceof Problem)) throw err;
      problems.push({ type: name, message: `${name} ${err.message}` });
    }
  }
  if (problems.length > 0) throw invalidTypes(problems, entries.length);
  return types;
}

export function invalidTypes(problems: TypeProblem[], total: number): ServiceError {
  return new ServiceError(
    400,
    "invalid_event_types",
    `${problems.length} of ${total} event types in the document are invalid; nothing was imported: ${problems[0]!.message}`,
    problems,
  );
}
