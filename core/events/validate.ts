/**
 * Validation of an ingest message: shape (zod), size, `deliver_at` window, catalog type and
 * the type's JSON schema. Every rejection is a ServiceError, so the API answers 400/413 and
 * the ingest function dead-letters the message with the error code as the reason.
 */
import type { Uses } from "../deps.js";
import { SchemaTooComplex, schemaIssues, ValidationBudgetExceeded } from "../json-schema/index.js";
import {
  type Deprecation,
  type EventTypeDef,
  ingestMessage,
  MAX_DATA_BYTES,
  MAX_DATA_DEPTH,
  MAX_DELIVER_AHEAD_MS,
  payloadTooLarge,
  ServiceError,
  schemaVersionOf,
  statusOf,
  validationError,
} from "../model/index.js";

/**
 * What is wrong with the shape of a parsed JSON value, if anything: nesting deeper than
 * `maxDepth` (checked iteratively, so a 100,000-level document cannot overflow the stack),
 * a number that cannot be kept exactly (beyond ±2^53, where JSON.parse has already changed
 * the producer's digits and the DynamoDB marshaller refuses it; `1e999` parses as Infinity,
 * `5e-324` is below what DynamoDB stores), an
 * empty key or one over 64 KiB (DynamoDB refuses such attribute names, nested ones included),
 * or a reserved key: `__proto__` (parsers and validators turn it into a prototype, losing
 * the key) and `constructor` (the DynamoDB marshaller reads `value.constructor.name` to pick
 * an attribute type, so such an object fails to store or is stored as something else).
 */
/** DynamoDB's limit on an attribute name, nested map keys included (a longer one fails the write). */
const MAX_KEY_BYTES = 65_535;
/** A key of fewer UTF-16 units than this cannot reach MAX_KEY_BYTES in UTF-8 (3 bytes per unit at most). */
const MAX_KEY_UNITS = Math.floor(MAX_KEY_BYTES / 3);

export function jsonShapeIssue(value: unknown, maxDepth: number): string | undefined {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v === "number" && !storableNumber(v)) {
      return `holds the number ${v}, beyond what is kept exactly (±2^53 - 1): send it as a string`;
    }
    if (v === null || typeof v !== "object") continue;
    if (depth > maxDepth) return `nests deeper than ${maxDepth} levels`;
    if (Array.isArray(v)) {
      for (const x of v) stack.push([x, depth + 1]);
      continue;
    }
    const proto = Object.getPrototypeOf(v);
    if ((proto !== Object.prototype && proto !== null) || Object.hasOwn(v, "__proto__")) {
      return 'uses the reserved key "__proto__"';
    }
    if (Object.hasOwn(v, "constructor")) return 'uses the reserved key "constructor"';
    if (Object.hasOwn(v, "")) return "uses an empty key";
    if (Object.keys(v).some((k) => k.length > MAX_KEY_UNITS && Buffer.byteLength(k) > MAX_KEY_BYTES)) {
      return `uses a key longer than ${MAX_KEY_BYTES} bytes`;
    }
    for (const x of Object.values(v)) stack.push([x, depth + 1]);
  }
  return undefined;
}

/**
 * Numbers kept exactly from producer to receiver: zero, or of magnitude 1e-130 (DynamoDB's
 * smallest) up to Number.MAX_SAFE_INTEGER. Above it a double no longer holds every integer,
 * so `1234567890123456789` would reach the receiver as `1234567890123456800`.
 */
function storableNumber(n: number): boolean {
  if (!Number.isFinite(n)) return false;
  const abs = Math.abs(n);
  return abs === 0 || (abs >= 1e-130 && abs <= Number.MAX_SAFE_INTEGER);
}

export interface ValidEvent {
  org_id: string;
  type: string;
  data: Record<string, unknown>;
  producer_id: string | null;
  agent_id: string | null;
  /** Set only when the fan-out is in the future; a past or present time fans out now. */
  deliver_at: Date | null;
  /** The version of the type's schema the data was validated against (recorded with the event). */
  schema_version: number;
  /** Set when the type is deprecated: the publish answer carries it. */
  deprecation?: Deprecation;
  subject: string | null;
  /** The event type's own retention (days), if it has one. */
  retention_days?: number;
}

export async function validateEvent(deps: Uses<"eventTypes" | "now">, input: unknown): Promise<ValidEvent> {
  const parsed = ingestMessage.safeParse(input);
  if (!parsed.success) {
    throw validationError(
      "invalid event",
      parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    );
  }
  const m = parsed.data;

  // The raw `data` too: the schema's copy has already dropped a top-level `__proto__` key.
  const raw = (input as { data?: unknown }).data;
  const shape = jsonShapeIssue(raw, MAX_DATA_DEPTH) ?? jsonShapeIssue(m.data, MAX_DATA_DEPTH);
  if (shape) throw validationError(`data ${shape}`, [{ path: "data", message: shape }]);

  const size = Buffer.byteLength(JSON.stringify(m.data), "utf8");
  if (size > MAX_DATA_BYTES) {
    throw payloadTooLarge(`data is ${size} bytes; the limit is ${MAX_DATA_BYTES}`);
  }

  let deliverAt: Date | null = null;
  if (m.deliver_at !== undefined) {
    const at = new Date(m.deliver_at);
    const now = deps.now().getTime();
    if (at.getTime() - now > MAX_DELIVER_AHEAD_MS) {
      throw new ServiceError(400, "invalid_deliver_at", "deliver_at may be at most 30 days ahead");
    }
    if (at.getTime() > now) deliverAt = at;
  }

  const def = await checkedAgainstType(deps, m.org_id, m.type, m.data);

  return {
    org_id: m.org_id,
    type: m.type,
    data: m.data,
    producer_id: m.id ?? null,
    agent_id: m.agent_id ?? null,
    deliver_at: deliverAt,
    schema_version: schemaVersionOf(def),
    ...(def.deprecation ? { deprecation: def.deprecation } : {}),
    subject: m.subject ?? null,
    ...(def.retention_days !== undefined ? { retention_days: def.retention_days } : {}),
  };
}

/** The event's type from the catalog, once `data` is checked against its schema; 400 for an unknown or archived type. */
async function checkedAgainstType(
  deps: Uses<"eventTypes">,
  org: string,
  type: string,
  data: Record<string, unknown>,
): Promise<EventTypeDef> {
  const def = await deps.eventTypes.find(org, type);
  if (!def) {
    throw new ServiceError(400, "unknown_event_type", `event type ${type} is not in the catalog`);
  }
  if (statusOf(def) === "archived") {
    throw new ServiceError(
      400,
      "event_type_archived",
      `event type ${type} is archived: it accepts no new events (un-archive it with PATCH /v1/event-types/${type})`,
    );
  }
  if (def.schema) {
    let issues: Awaited<ReturnType<typeof schemaIssues>>;
    try {
      issues = await schemaIssues(def.schema, data);
    } catch (err) {
      throw schemaFailure(err, type);
    }
    if (issues.length > 0) {
      throw new ServiceError(400, "schema_mismatch", `data does not match the schema of ${type}`, issues);
    }
  }

  return def;
}

/**
 * Why a schema could not validate this event: the event's data is over the validation budget
 * (this event alone fails), or the schema, stored before its bounds existed, breaks them.
 */
function schemaFailure(err: unknown, type: string): ServiceError {
  if (err instanceof ValidationBudgetExceeded) {
    return new ServiceError(
      400,
      "validation_budget_exceeded",
      `data is too large for the schema of ${type}: ${err.message}`,
    );
  }
  if (err instanceof SchemaTooComplex) {
    return new ServiceError(
      400,
      "schema_too_complex",
      `the schema of ${type} is over its bounds: ${err.message}`,
    );
  }
  return new ServiceError(400, "invalid_event_schema", `the schema of ${type} cannot be compiled`);
}
