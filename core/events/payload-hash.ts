/**
 * What makes two publishes with one producer `id` the same event: the hash of what the
 * producer chose (type, agent, data, deliver_at), over canonical JSON (object keys sorted),
 * so key order and whitespace do not count. Stored with the idempotency claim: a second
 * publish with the same id and the same hash is a duplicate; with another hash it is a
 * conflict (409 `idempotency_conflict`, Stripe's rule for a reused idempotency key).
 */
import { createHash } from "node:crypto";
import type { StoredMessage } from "../model/index.js";

function sortedKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

/** JSON with every object's keys sorted: two copies of a value (one read back from DynamoDB, which keeps no key order) compare equal. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, sortedKeys);
}

export function payloadHash(m: Pick<StoredMessage, "type" | "agent_id" | "data" | "deliver_at">): string {
  const canonical = canonicalJson([m.type, m.agent_id, m.data, m.deliver_at]);
  return createHash("sha256").update(canonical).digest("base64url");
}
