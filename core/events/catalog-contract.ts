/**
 * The catalog as a contract (docs/event-types.md): exported as an OpenAPI 3.1 document
 * (catalog-export.ts) and imported from one (catalog-import.ts). An import checks every type
 * first (names, schemas compiled within their bounds, examples against them) and refuses the
 * whole document, changing nothing, if any is wrong; then it creates or updates each type,
 * reporting per type what it did (a write that fails, such as a concurrent change, is named
 * in the answer and the others still land).
 */
import type { Uses } from "../deps.js";
import { type EventTypeDef, ServiceError, schemaVersionOf, statusOf } from "../model/index.js";
import { catalogDocument, type OpenApiDocument } from "./catalog-export.js";
import { type ImportedType, invalidTypes, type TypeProblem, typesFromDocument } from "./catalog-import.js";
import { checkNewEventType, createEventType } from "./custom-types.js";
import { updateEventType } from "./event-type-lifecycle.js";
import { canonicalJson } from "./payload-hash.js";

type ContractDeps = Uses<"eventTypeStore" | "eventTypes" | "now">;

export async function exportCatalog(deps: Uses<"eventTypes">, org: string): Promise<OpenApiDocument> {
  return catalogDocument(org, await deps.eventTypes.list(org));
}

export type ImportAction = "created" | "updated" | "unchanged" | "failed";

export interface ImportResult {
  name: string;
  action: ImportAction;
  schema_version?: number;
  error?: { code: string; message: string };
}

/** The fields an import sets, as they compare (a type the document leaves as it is, is unchanged). */
const comparable = (t: EventTypeDef | ImportedType) =>
  canonicalJson([t.description, t.schema ?? null, t.examples ?? [], statusOf(t as EventTypeDef)]);

async function importOne(
  deps: ContractDeps,
  org: string,
  t: ImportedType,
  before?: EventTypeDef,
): Promise<ImportResult> {
  const change = {
    description: t.description,
    schema: t.schema ?? null,
    examples: t.examples ?? [],
    status: t.status,
    ...(t.deprecation_note ? { deprecation_note: t.deprecation_note } : {}),
  };
  if (!before) {
    let made: EventTypeDef = await createEventType(deps, org, t);
    if (t.status !== "active") made = await updateEventType(deps, org, t.name, change);
    return { name: t.name, action: "created", schema_version: schemaVersionOf(made) };
  }
  if (
    comparable(before) === comparable(t) &&
    (t.deprecation_note ?? before.deprecation?.note) === before.deprecation?.note
  ) {
    return { name: t.name, action: "unchanged", schema_version: schemaVersionOf(before) };
  }
  const after = await updateEventType(deps, org, t.name, change);
  return { name: t.name, action: "updated", schema_version: schemaVersionOf(after) };
}

export async function importCatalog(
  deps: ContractDeps,
  org: string,
  doc: Record<string, unknown>,
): Promise<ImportResult[]> {
  const types = typesFromDocument(doc);
  const problems: TypeProblem[] = [];
  for (const t of types) {
    await checkNewEventType(t).catch((err: unknown) => {
      if (!(err instanceof ServiceError)) throw err;
      problems.push({ type: t.name, message: `${t.name}: ${err.message}` });
    });
  }
  if (problems.length > 0) throw invalidTypes(problems, types.length);
  const catalog = new Map((await deps.eventTypes.list(org)).map((t) => [t.name, t]));
  const results: ImportResult[] = [];
  for (const t of types) {
    try {
      results.push(await importOne(deps, org, t, catalog.get(t.name)));
    } catch (err) {
      if (!(err instanceof ServiceError)) throw err;
      results.push({ name: t.name, action: "failed", error: { code: err.code, message: err.message } });
    }
  }
  return results;
}
