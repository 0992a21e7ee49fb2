/**
 * Erasure by data subject and by event (docs/data.md): the record each one leaves (its audit:
 * who, when, what, how many, never the data) and the subject's digest, the only form in which
 * a subject is indexed and recorded.
 */
import { createHash } from "node:crypto";

/**
 * A subject as the index and the audit know it: SHA-256, base64url. The index key stays short
 * whatever the subject, and an erasure's record names whom it erased without holding the id.
 */
export const subjectDigest = (subject: string): string =>
  createHash("sha256").update(subject, "utf8").digest("base64url");

export type ErasureStatus = "running" | "succeeded" | "failed";

/** One erasure: its audit item (ORG#{org} / ERASURE#{id}), kept with no TTL. */
export interface ErasureRecord {
  org_id: string;
  id: string;
  /** `subject`: every event of a subject (a tracked task); `event`: one event's payload. */
  kind: "subject" | "event";
  /** The subject's digest (subjectDigest), for `kind: "subject"`. */
  subject_sha256: string | null;
  /** The event, for `kind: "event"`. */
  event_id: string | null;
  /** Who asked: the API key's id (or the portal session's). */
  requested_by: string;
  requested_at: string;
  status: ErasureStatus;
  /** Events whose payload this erasure removed (already erased ones are not counted again). */
  erased: number;
  /** Stored response bodies of attempts it removed. */
  responses_erased: number;
  finished_at: string | null;
  /** The tracked task running it (`GET /v1/tasks/{id}`), for `kind: "subject"`. */
  task_id: string | null;
}
