/**
 * Tracked-task items (ORG#{org} / TASK#{id}, core/model/task-record.ts) and the claims of a
 * task's items (TASKITEM#{org}#{taskId} / {itemKey}). Every state change is one conditional
 * UpdateItem, so two runs of one task (a crashed one and its successor) can never both
 * advance it: a write carries the run that makes it, and only the run holding the task lands.
 * A finished task is kept `TASK_RETENTION_DAYS`, then the table's TTL removes it.
 */
import type { CursorKey, Page, TaskRecord, TaskStatus } from "../model/index.js";
import { cursorWithin } from "./cursor.js";
import { getItem, newHolder, putIfAbsent, takeMarkedReturning, updateIf, updateReturning } from "./item.js";
import { keys, ttlAfter } from "./keys.js";
import { putNewUnlessOrgDeleted } from "./org-tombstone.js";
import { queryFilledPage, tableKeyOf } from "./query.js";
import type { Db } from "./table.js";

/** How long a finished task stays readable. */
const TASK_RETENTION_DAYS = 30;
/** How long an item claim is kept: longer than any task's run can last in practice. */
const CLAIM_DAYS = 14;

const ACTIVE = { ":queued": "queued", ":running": "running" };

function toRecord(item: Record<string, unknown>): TaskRecord {
  const { pk: _pk, sk: _sk, expires_at: _ttl, claim_id: _claim, ...rest } = item;
  return { started_at: null, finished_at: null, ...rest } as unknown as TaskRecord;
}

async function createTask(db: Db, rec: TaskRecord): Promise<void> {
  // Without the times still null: the first claim sets started_at only if it is absent.
  const { started_at: _s, finished_at: _f, ...written } = rec;
  const item = { ...keys.task(rec.org_id, rec.id), ...written };
  if (!(await putNewUnlessOrgDeleted(db, rec.org_id, [item]))) throw new Error(`task ${rec.id} exists`);
}

async function getTask(db: Db, org: string, id: string): Promise<TaskRecord | undefined> {
  const item = await getItem(db, keys.task(org, id));
  return item ? toRecord(item) : undefined;
}

async function listTasks(
  db: Db,
  org: string,
  { limit, cursor }: { limit: number; cursor?: CursorKey },
): Promise<Page<TaskRecord>> {
  const pk = keys.task(org, "").pk;
  const page = await queryFilledPage(
    db,
    {
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :sk)",
      ExpressionAttributeValues: { ":pk": pk, ":sk": keys.taskPrefix },
      ScanIndexForward: false,
    },
    limit,
    cursorWithin(cursor, { pk }, { sk: keys.taskPrefix }),
    tableKeyOf,
  );
  return { items: page.items.map(toRecord), ...(page.last ? { last: page.last } : {}) };
}

/**
 * Takes the task for a new run: it must be queued or running, and no other run's lease may
 * still hold it. Answers the task as claimed (its `run` one higher), or undefined. A claim
 * refused on its own mark (`claim_id`) is this run's: applied, its answer lost and the SDK's
 * retry refused on it. Read as another run's, the run ended before scheduling its watchdog, and
 * the task stayed running with no run to come. One read on a refusal only.
 */
async function claimTask(db: Db, org: string, id: string, now: Date, leaseUntil: Date) {
  const claim = newHolder();
  const item = await takeMarkedReturning(db, "claim_id", claim, {
    Key: keys.task(org, id),
    UpdateExpression:
      "SET #status = :running, #run = #run + :one, lease_until = :lease, updated_at = :now, " +
      "started_at = if_not_exists(started_at, :now), claim_id = :claim",
    ConditionExpression: "attribute_exists(pk) AND #status IN (:queued, :running) AND lease_until <= :now",
    ExpressionAttributeNames: { "#status": "status", "#run": "run" },
    ExpressionAttributeValues: {
      ...ACTIVE,
      ":one": 1,
      ":lease": leaseUntil.toISOString(),
      ":now": now.toISOString(),
      ":claim": claim,
    },
  });
  return item ? toRecord(item) : undefined;
}

/** What a run writes after a step (counts are increments); false once the run no longer holds the task. */
export interface TaskProgress {
  cursor: string | null;
  done: number;
  failed: number;
  total?: number | null;
  errors: number;
  error?: string | null;
  /** Set to end the task (its finished_at is written, and the TTL). */
  status?: Extract<TaskStatus, "succeeded" | "failed">;
  /** The lease to keep (the time now: release it, so the next run need not wait). */
  leaseUntil: string;
}

function progressUpdate(p: TaskProgress, now: Date) {
  const sets = [
    "#cursor = :cursor",
    "#done = #done + :done",
    "#failed = #failed + :failed",
    "#errors = :errors",
    "lease_until = :lease",
    "updated_at = :now",
  ];
  const values: Record<string, unknown> = {
    ":cursor": p.cursor,
    ":done": p.done,
    ":failed": p.failed,
    ":errors": p.errors,
    ":lease": p.leaseUntil,
    ":now": now.toISOString(),
  };
  if (p.total !== undefined) {
    sets.push("#total = :total");
    values[":total"] = p.total;
  }
  if (p.error !== undefined) {
    sets.push("#error = :error");
    values[":error"] = p.error;
  }
  if (p.status) {
    sets.push("#status = :final", "finished_at = :now", "expires_at = :ttl");
    values[":final"] = p.status;
    values[":ttl"] = ttlAfter(now, TASK_RETENTION_DAYS * 86_400);
  }
  return { sets, values };
}

async function saveProgress(db: Db, org: string, id: string, run: number, p: TaskProgress, now: Date) {
  const { sets, values } = progressUpdate(p, now);
  return updateIf(db, {
    Key: keys.task(org, id),
    UpdateExpression: `SET ${sets.join(", ")}`,
    ConditionExpression: "attribute_exists(pk) AND #status = :running AND #run = :run",
    ExpressionAttributeNames: {
      "#status": "status",
      "#run": "run",
      "#cursor": "cursor",
      "#done": "done",
      "#failed": "failed",
      "#errors": "errors",
      ...(p.total !== undefined ? { "#total": "total" } : {}),
      ...(p.error !== undefined ? { "#error": "error" } : {}),
    },
    ExpressionAttributeValues: { ...values, ":running": "running", ":run": run },
  });
}

/** Cancels a queued or running task; answers it as written, or undefined when it had finished (or is not there). */
async function cancelTask(db: Db, org: string, id: string, now: Date) {
  const item = await updateReturning(db, {
    Key: keys.task(org, id),
    UpdateExpression: "SET #status = :canceled, finished_at = :now, updated_at = :now, expires_at = :ttl",
    ConditionExpression: "attribute_exists(pk) AND #status IN (:queued, :running)",
    ExpressionAttributeNames: { "#status": "status" },
    ExpressionAttributeValues: {
      ...ACTIVE,
      ":canceled": "canceled",
      ":now": now.toISOString(),
      ":ttl": ttlAfter(now, TASK_RETENTION_DAYS * 86_400),
    },
  });
  return item ? toRecord(item) : undefined;
}

/**
 * Claims one item of a task for the run that sent it: true when the claim is new or already
 * that run's. A crashed run's items may be sent again by the next run; whichever copy is
 * processed first claims the item, and the other is dropped (docs/tasks.md "Exactly once").
 */
async function claimItem(db: Db, org: string, taskId: string, itemKey: string, run: number, now: Date) {
  const key = keys.taskItem(org, taskId, itemKey);
  const item = { ...key, run, expires_at: ttlAfter(now, CLAIM_DAYS * 86_400) };
  if (await putIfAbsent(db, item)) return true;
  const existing = await getItem(db, key);
  return existing?.run === run;
}

/** What the tasks service and runner use. */
export interface TaskStore {
  /** Writes a new task; 404 when the organization is deleted. */
  create(rec: TaskRecord): Promise<void>;
  get(org: string, id: string): Promise<TaskRecord | undefined>;
  /** Newest first. */
  list(org: string, page: { limit: number; cursor?: CursorKey }): Promise<Page<TaskRecord>>;
  /** A new run takes the task (see claimTask); undefined when it is finished or held. */
  claim(org: string, id: string, now: Date, leaseUntil: Date): Promise<TaskRecord | undefined>;
  /** Writes a run's progress; false when that run no longer holds the task (canceled, or taken over). */
  progress(org: string, id: string, run: number, p: TaskProgress, now: Date): Promise<boolean>;
  cancel(org: string, id: string, now: Date): Promise<TaskRecord | undefined>;
  /** At most one run's copy of an item acts (see claimItem). */
  claimItem(org: string, taskId: string, itemKey: string, run: number, now: Date): Promise<boolean>;
}

export function taskStore(db: Db): TaskStore {
  return {
    create: (rec) => createTask(db, rec),
    get: (org, id) => getTask(db, org, id),
    list: (org, page) => listTasks(db, org, page),
    claim: (org, id, now, leaseUntil) => claimTask(db, org, id, now, leaseUntil),
    progress: (org, id, run, p, now) => saveProgress(db, org, id, run, p, now),
    cancel: (org, id, now) => cancelTask(db, org, id, now),
    claimItem: (org, taskId, itemKey, run, now) => claimItem(db, org, taskId, itemKey, run, now),
  };
}
