/**
 * Erasure (docs/data.md): by data subject (`POST /v1/erasures`, a tracked task over the
 * subject index) and by event (`DELETE /v1/events/{id}/payload`, at once). Each leaves an
 * audit item: who, when, what (the subject's digest or the event id), how many; never the data.
 */
import type { Uses } from "../deps.js";
import {
  type CursorKey,
  type ErasureRecord,
  isId,
  newId,
  notFound,
  type Principal,
  subjectDigest,
} from "../model/index.js";
import { getTask, startTask } from "../tasks/index.js";
import { eraseEvent } from "./erase.js";

type ErasureDeps = Uses<"erasureStore" | "messageStore" | "taskStore" | "scheduler" | "now">;

function record(p: Principal, kind: ErasureRecord["kind"], now: Date): ErasureRecord {
  return {
    org_id: p.orgId,
    id: newId("era", now),
    kind,
    subject_sha256: null,
    event_id: null,
    requested_by: p.keyId,
    requested_at: now.toISOString(),
    status: "running",
    erased: 0,
    responses_erased: 0,
    finished_at: null,
    task_id: null,
  };
}

/** Starts erasing every payload of `subject` in the caller's organization: the record, and its task. */
export async function startErasure(deps: ErasureDeps, p: Principal, subject: string): Promise<ErasureRecord> {
  const now = deps.now();
  const digest = subjectDigest(subject);
  const r = { ...record(p, "subject", now), subject_sha256: digest };
  const params = { erasure_id: r.id, subject_sha256: digest };
  // The record is written first, so no task runs without it; the task id is added to it after.
  await deps.erasureStore.putRecord(r);
  const task = await startTask(deps, { org: p.orgId, kind: "erasure", params });
  const started = { ...r, task_id: task.id };
  await deps.erasureStore.putRecord(started);
  return started;
}

/** Erases one event's payload now (404 for an event that is not the caller's or no longer stored). */
export async function erasePayload(deps: ErasureDeps, p: Principal, msgId: string): Promise<ErasureRecord> {
  if (!isId("msg", msgId) || !(await deps.messageStore.get(p.orgId, msgId))) throw notFound("event");
  const res = await eraseEvent(deps, p.orgId, msgId);
  if (!res.found) throw notFound("event");
  const now = deps.now();
  const r: ErasureRecord = {
    ...record(p, "event", now),
    event_id: msgId,
    status: "succeeded",
    erased: res.erased ? 1 : 0,
    responses_erased: res.responses,
    finished_at: now.toISOString(),
  };
  await deps.erasureStore.putRecord(r);
  return r;
}

/**
 * One erasure; a subject erasure still `running` whose task failed or was canceled says so
 * (the task's end is the erasure's).
 */
export async function getErasure(deps: ErasureDeps, org: string, id: string): Promise<ErasureRecord> {
  const r = isId("era", id) ? await deps.erasureStore.getRecord(org, id) : undefined;
  if (!r) throw notFound("erasure");
  if (r.status !== "running" || r.task_id === null) return r;
  const task = await getTask(deps, org, r.task_id).catch(() => undefined);
  if (task && (task.status === "failed" || task.status === "canceled")) return { ...r, status: "failed" };
  return r;
}

export function listErasures(deps: ErasureDeps, org: string, q: { limit: number; cursor?: CursorKey }) {
  return deps.erasureStore.listRecords(org, q);
}
