/**
 * The ingest service: validate an event, store it once, fan it out (now or at `deliver_at`).
 *
 * AWS requests for a new event fanned out to N endpoints (cache warm):
 *   1 write of the message (PutItem, or TransactWriteItems with the idempotency key and any
 *   "skipped" records) + ceil(N/10) SendMessageBatch + ceil(N/10) UpdateItem of `sent`.
 * With `deliver_at`: the write + one schedule now; a read, a claim and the sends later.
 */
import type { Deps } from "../deps.js";
import type { EndpointRecord } from "../model/endpoint.js";
import { newId } from "../model/ids.js";
import { ttlAfter } from "../store/keys.js";
import { createMessage, type StoredMessage } from "../store/messages.js";
import {
  completeFanout,
  LEASE_MS,
  messageExpiry,
  scheduleFanout,
  selectEndpoints,
  sendUnderLease,
  skippedItems,
} from "./fanout.js";
import { messageIdFromSqs } from "./message-id.js";
import { validateEvent } from "./validate.js";

export interface IngestOptions {
  /** The SQS message id (and send time): without a producer id, the message id derives from it. */
  sqsMessageId?: string;
  sqsSentAt?: Date;
  /** Test events: deliver to exactly these endpoints, whatever their subscriptions. */
  only?: EndpointRecord[];
}

export interface IngestResult {
  id: string;
  /** The event was seen before (same producer id within 24 h, or a redelivered SQS message). */
  duplicate: boolean;
  /** The fan-out waits for `deliver_at`. */
  scheduled: boolean;
}

export async function ingestEvent(
  deps: Deps,
  input: unknown,
  opts: IngestOptions = {},
): Promise<IngestResult> {
  const ev = await validateEvent(deps, input);
  const now = deps.now();
  const id = ev.producer_id
    ? newId("msg", now)
    : opts.sqsMessageId
      ? messageIdFromSqs(opts.sqsMessageId, opts.sqsSentAt ?? now)
      : newId("msg", now);

  const m: StoredMessage = {
    org_id: ev.org_id,
    id,
    type: ev.type,
    agent_id: ev.agent_id,
    data: ev.data,
    producer_id: ev.producer_id,
    created_at: now.toISOString(),
    deliver_at: ev.deliver_at?.toISOString() ?? null,
    targets: [],
    sent: [],
    fanout_at: ev.deliver_at ? null : now.toISOString(),
  };
  // Targets are decided before the write so that one conditional write stores everything.
  const matched = ev.deliver_at ? { targets: [], skipped: [] } : await selectEndpoints(deps, m, opts.only);
  m.targets = matched.targets.map((e) => e.id);
  const skipped = skippedItems(deps, m, matched.skipped);

  const nowEpoch = Math.floor(now.getTime() / 1000);
  const res = await createMessage(deps.db, m, {
    expiresAt: messageExpiry(deps, m),
    // This invocation sends the tasks; a concurrent duplicate must not send them too.
    leaseUntil: m.targets.length > 0 ? now.getTime() + LEASE_MS : undefined,
    idempotency: ev.producer_id
      ? {
          producerId: ev.producer_id,
          expiresAt: ttlAfter(now, deps.config.retention.idempotencyHours * 3600),
          nowEpoch,
        }
      : undefined,
    extra: skipped.inline,
  });

  if (!res.created) {
    // Acknowledge, and finish whatever the first attempt left undone (sends, schedule).
    await completeFanout(deps, ev.org_id, res.msgId);
    return { id: res.msgId, duplicate: true, scheduled: false };
  }
  await skipped.overflow();
  if (ev.deliver_at) {
    await scheduleFanout(deps, m, ev.deliver_at);
    return { id, duplicate: false, scheduled: true };
  }
  await sendUnderLease(deps, m);
  return { id, duplicate: false, scheduled: false };
}
