/**
 * The single-table key design: every item's keys are built here and nowhere else
 * (docs/cost.md explains the layout, what each item costs and why).
 *
 * | item                      | pk                          | sk                 | index keys                                   |
 * |---------------------------|-----------------------------|--------------------|----------------------------------------------|
 * | organization              | ORG#{org}                   | ORG                | GSI1: ORGS / {createdAt}#{org}               |
 * | data key (wrapped)        | ORG#{org}                   | DATAKEY            |                                              |
 * | API key (listing)         | ORG#{org}                   | APIKEY#{keyId}     |                                              |
 * | API key (lookup by hash)  | APIKEY#{sha256}             | APIKEY             |                                              |
 * | webhook endpoint          | ORG#{org}                   | EP#{endpointId}    |                                              |
 * | custom event type         | ORG#{org}                   | ETYPE#{name}       |                                              |
 * | message shard plan        | ORG#{org}                   | SHARDS             |                                              |
 * | portal session            | ORG#{org}                   | PSESS#{sessionId}  |                                              |
 * | tracked task              | ORG#{org}                   | TASK#{taskId}      |                                              |
 * | task's item claim         | TASKITEM#{org}#{taskId}     | {itemKey}          |                                              |
 * | message (event)           | MSG#{org}#{s}               | {msgId}            | GSI2 (sparse, with a subject, until erased): |
 * |                           |                             |                    |  SUBJ#{org}#{sha256(subject)} / {msgId}        |
 * | erasure (task and audit)  | ORG#{org}                   | ERASURE#{id}       |                                              |
 * | idempotency key (24 h)    | IDEM#{org}#{producerId}     | IDEM               |                                              |
 * | delivery log (attempt or  | LOG#{org}#{endpointId}#{s}  | {msgId}#{ulid}     | GSI2 (sparse, keys only, final failures):    |
 * |  state of msg x endpoint) |                             |                    |  REC#{org}#{endpointId}#{s} / {failedAt}#{msgId}  |
 * |                           |                             |                    |  (parked, endpoint disabled: PARK#… instead)  |
 * |                           |                             |                    |  (a retry waiting > 15 min: WAIT#…/{dueAt}#…) |
 * | rate slots (8, 10 min)    | RATE#{org}#{endpointId}#{shard} | RATE         |                                              |
 * | resume lease (TTL)        | RESUME#{org}#{endpointId}   | LEASE              |                                              |
 * | local scheduler entry     | SCHEDULE                    | {name}             | GSI1: SCHEDULE_DUE / {dueAt}#{name}          |
 * | open fan-out marker       | OPEN#{0..31}                | {createdAt}#{org}#{msgId} |                                       |
 *
 * `{s}` is the shard of the message id under the organization's shard plan
 * (core/store/shard-plan.ts): one organization's messages and one endpoint's log are spread
 * over `table.shards` partitions, more for ids created after a raise. Ids are time-ordered (ULID),
 * so sort keys list oldest first and `ScanIndexForward: false` gives newest first. Every
 * tenant-owned key starts with the organization id, so a query built from an authenticated
 * org can never reach another tenant's items.
 */

import { type ShardPlan, shardOf } from "./shard-plan.js";
import { openFanoutShardOf } from "./shards.js";

export interface Key {
  pk: string;
  sk: string;
}

export const keys = {
  org: (org: string): Key => ({ pk: `ORG#${org}`, sk: "ORG" }),
  /** GSI1 keys listing every organization, oldest first (the platform operator's view). */
  orgListing: (createdAt: string, org: string) => ({ gsi1pk: "ORGS", gsi1sk: `${createdAt}#${org}` }),
  orgListingPk: "ORGS",
  /** The organization's data key for secrets at rest (core/store/secrets-at-rest.ts). */
  dataKey: (org: string): Key => ({ pk: `ORG#${org}`, sk: "DATAKEY" }),

  apiKey: (org: string, keyId: string): Key => ({ pk: `ORG#${org}`, sk: `APIKEY#${keyId}` }),
  apiKeyPrefix: "APIKEY#",
  apiKeyByHash: (hash: string): Key => ({ pk: `APIKEY#${hash}`, sk: "APIKEY" }),

  endpoint: (org: string, endpointId: string): Key => ({ pk: `ORG#${org}`, sk: `EP#${endpointId}` }),
  endpointPrefix: "EP#",

  eventType: (org: string, name: string): Key => ({ pk: `ORG#${org}`, sk: `ETYPE#${name}` }),
  eventTypePrefix: "ETYPE#",

  portalSession: (org: string, sessionId: string): Key => ({ pk: `ORG#${org}`, sk: `PSESS#${sessionId}` }),
  portalSessionPrefix: "PSESS#",

  task: (org: string, taskId: string): Key => ({ pk: `ORG#${org}`, sk: `TASK#${taskId}` }),
  taskPrefix: "TASK#",
  /** The claim of one item of a task by the run that sent it (at most one run's copy acts). */
  taskItem: (org: string, taskId: string, itemKey: string): Key => ({
    pk: `TASKITEM#${org}#${taskId}`,
    sk: itemKey,
  }),

  /** The organization's shard plan (core/store/shard-plans.ts). */
  shardPlan: (org: string): Key => ({ pk: `ORG#${org}`, sk: "SHARDS" }),

  message: (org: string, msgId: string, plan: ShardPlan): Key => ({
    pk: `MSG#${org}#${shardOf(plan, msgId)}`,
    sk: msgId,
  }),
  messagePartition: (org: string, shard: number) => `MSG#${org}#${shard}`,
  /** The scope a listing cursor is bound to (a cursor is the last sort key plus this). */
  messageListing: (org: string) => `MSG#${org}`,
  endpointAttemptListing: (org: string, endpointId: string) => `LOG#${org}#${endpointId}`,
  eventAttemptListing: (org: string, msgId: string) => `LOG#${org}#*#${msgId}`,
  /**
   * GSI2 keys of a message with a data subject, by the subject's digest (subjectDigest): the
   * index an erasure reads (core/store/erasures.ts).
   */
  bySubject: (org: string, digest: string, msgId: string) => ({
    gsi2pk: `SUBJ#${org}#${digest}`,
    gsi2sk: msgId,
  }),
  subjectPk: (org: string, digest: string) => `SUBJ#${org}#${digest}`,
  erasure: (org: string, id: string): Key => ({ pk: `ORG#${org}`, sk: `ERASURE#${id}` }),
  erasurePrefix: "ERASURE#",
  idempotency: (org: string, producerId: string): Key => ({ pk: `IDEM#${org}#${producerId}`, sk: "IDEM" }),

  /** A delivery-log item; `itemId` is a ULID (an attempt's, or a new one for a state change). */
  log: (org: string, endpointId: string, msgId: string, itemId: string, plan: ShardPlan): Key => ({
    pk: `LOG#${org}#${endpointId}#${shardOf(plan, msgId)}`,
    sk: `${msgId}#${itemId.slice(itemId.indexOf("_") + 1)}`,
  }),
  logPartition: (org: string, endpointId: string, shard: number) => `LOG#${org}#${endpointId}#${shard}`,
  /** The partition and sort-key prefix of one message's items at one endpoint. */
  logOfDelivery: (org: string, endpointId: string, msgId: string, plan: ShardPlan) => ({
    pk: `LOG#${org}#${endpointId}#${shardOf(plan, msgId)}`,
    prefix: `${msgId}#`,
  }),
  /**
   * GSI2 keys of a delivery that can be recovered (failed or abandoned), sorted by `at`, when
   * it reached that state (`recover since` compares against it).
   */
  recoverable: (org: string, endpointId: string, at: string, msgId: string, plan: ShardPlan) => ({
    gsi2pk: `REC#${org}#${endpointId}#${shardOf(plan, msgId)}`,
    gsi2sk: `${at}#${msgId}`,
  }),
  recoverablePk: (org: string, endpointId: string, shard: number) => `REC#${org}#${endpointId}#${shard}`,
  /**
   * GSI2 keys of a delivery parked while its endpoint is disabled (`skipped`): the same index,
   * its own partitions, so re-enabling the endpoint resumes exactly these.
   */
  parked: (org: string, endpointId: string, at: string, msgId: string, plan: ShardPlan) => ({
    gsi2pk: `PARK#${org}#${endpointId}#${shardOf(plan, msgId)}`,
    gsi2sk: `${at}#${msgId}`,
  }),
  parkedPk: (org: string, endpointId: string, shard: number) => `PARK#${org}#${endpointId}#${shard}`,
  /**
   * GSI2 keys of a retry waiting longer than SQS can hold it (`retrying`, core/delivery/waiting.ts),
   * sorted by when it is due: the run of its endpoint's due minute reads what is due by then.
   * Spread over the endpoint log's shards, as its other indexes.
   */
  waiting: (org: string, endpointId: string, dueAt: string, msgId: string, plan: ShardPlan) => ({
    gsi2pk: `WAIT#${org}#${endpointId}#${shardOf(plan, msgId)}`,
    gsi2sk: `${dueAt}#${msgId}`,
  }),
  waitingPk: (org: string, endpointId: string, shard: number) => `WAIT#${org}#${endpointId}#${shard}`,

  /**
   * The marker of a fan-out no one has recorded done yet (core/store/open-fanouts.ts), sorted
   * by the message's creation time, so the sweep reads the ones older than its grace.
   */
  openFanout: (org: string, msgId: string, createdAt: string): Key => ({
    pk: `OPEN#${openFanoutShardOf(msgId)}`,
    sk: `${createdAt}#${org}#${msgId}`,
  }),
  openFanoutPk: (shard: number) => `OPEN#${shard}`,

  /** Eight of one endpoint's `rate_limit` slots (core/store/rate-limit.ts). */
  rateSlots: (org: string, endpointId: string, shard: number): Key => ({
    pk: `RATE#${org}#${endpointId}#${shard}`,
    sk: "RATE",
  }),

  /** The lease of an endpoint's resume run (core/store/resume-lease.ts). */
  resumeLease: (org: string, endpointId: string): Key => ({ pk: `RESUME#${org}#${endpointId}`, sk: "LEASE" }),

  schedule: (name: string): Key => ({ pk: "SCHEDULE", sk: name }),
  scheduleDue: (dueAt: string, name: string) => ({ gsi1pk: "SCHEDULE_DUE", gsi1sk: `${dueAt}#${name}` }),
  scheduleDuePk: "SCHEDULE_DUE",
} as const;

/** Epoch seconds for the table's TTL attribute (`expires_at`). */
export function ttlAfter(now: Date, seconds: number): number {
  return Math.floor(now.getTime() / 1000) + Math.ceil(seconds);
}
