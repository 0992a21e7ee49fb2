/**
 * The single-table key design: every item's keys are built here and nowhere else.
 *
 * | item                     | pk                     | sk                   | index keys                                  |
 * |--------------------------|------------------------|----------------------|---------------------------------------------|
 * | organization             | ORG#{org}              | ORG                  | GSI1: ORGS / {createdAt}#{org}              |
 * | data key (wrapped)       | ORG#{org}              | DATAKEY              |                                             |
 * | API key (listing)        | ORG#{org}              | APIKEY#{keyId}       |                                             |
 * | API key (lookup by hash) | APIKEY#{sha256}        | APIKEY               |                                             |
 * | webhook endpoint         | ORG#{org}              | EP#{endpointId}      |                                             |
 * | custom event type        | ORG#{org}              | ETYPE#{name}         |                                             |
 * | portal session           | ORG#{org}              | PSESS#{sessionId}    |                                             |
 * | message (event)          | ORG#{org}              | MSG#{msgId}          |                                             |
 * | idempotency key (24 h)   | ORG#{org}              | IDEM#{producerId}    |                                             |
 * | delivery (msg x endpoint)| DLV#{org}#{msgId}      | EP#{endpointId}      | GSI1 (sparse, only when recoverable):       |
 * |                          |                        |                      |  EPREC#{org}#{endpointId} / {createdAt}#{msgId} |
 * | attempt                  | ATT#{org}#{endpointId} | {attemptId}          | GSI2: MSGATT#{org}#{msgId} / {attemptId}    |
 * | local scheduler entry    | SCHEDULE               | {name}               | GSI1: SCHEDULE_DUE / {dueAt}#{name}         |
 *
 * Ids are time-ordered (ULID), so sort keys list oldest first and `ScanIndexForward: false`
 * gives newest first. Every tenant-owned key starts with the organization id, so a query
 * built from an authenticated org can never reach another tenant's items.
 */

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

  message: (org: string, msgId: string): Key => ({ pk: `ORG#${org}`, sk: `MSG#${msgId}` }),
  messagePrefix: "MSG#",
  idempotency: (org: string, producerId: string): Key => ({ pk: `ORG#${org}`, sk: `IDEM#${producerId}` }),

  delivery: (org: string, msgId: string, endpointId: string): Key => ({
    pk: `DLV#${org}#${msgId}`,
    sk: `EP#${endpointId}`,
  }),
  deliveriesOf: (org: string, msgId: string) => `DLV#${org}#${msgId}`,
  /** GSI1 keys of a delivery that can be recovered (failed, skipped or abandoned). */
  recoverable: (org: string, endpointId: string, createdAt: string, msgId: string) => ({
    gsi1pk: `EPREC#${org}#${endpointId}`,
    gsi1sk: `${createdAt}#${msgId}`,
  }),
  recoverablePk: (org: string, endpointId: string) => `EPREC#${org}#${endpointId}`,

  attempt: (org: string, endpointId: string, attemptId: string): Key => ({
    pk: `ATT#${org}#${endpointId}`,
    sk: attemptId,
  }),
  attemptsOfEndpoint: (org: string, endpointId: string) => `ATT#${org}#${endpointId}`,
  /** GSI2 keys: the attempts of one message across its endpoints. */
  attemptOfMessage: (org: string, msgId: string, attemptId: string) => ({
    gsi2pk: `MSGATT#${org}#${msgId}`,
    gsi2sk: attemptId,
  }),
  attemptsOfMessage: (org: string, msgId: string) => `MSGATT#${org}#${msgId}`,

  schedule: (name: string): Key => ({ pk: "SCHEDULE", sk: name }),
  scheduleDue: (dueAt: string, name: string) => ({ gsi1pk: "SCHEDULE_DUE", gsi1sk: `${dueAt}#${name}` }),
  scheduleDuePk: "SCHEDULE_DUE",
} as const;

/** Epoch seconds for the table's TTL attribute (`expires_at`). */
export function ttlAfter(now: Date, seconds: number): number {
  return Math.floor(now.getTime() / 1000) + Math.ceil(seconds);
}
