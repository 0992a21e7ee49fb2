/**
 * The send lease of a message's fan-out (store/message-fanout.ts acquireLease) and what a
 * duplicate does when it finds the lease held.
 */
import type { Uses } from "../deps.js";
import { scheduleName } from "../model/index.js";
import { fanoutCommandBody } from "./fanout-command.js";

/**
 * How long one invocation owns a message's sends (store/message-fanout.ts acquireLease): longer
 * than an ingest or API invocation runs, shorter than the ingest queue's visibility timeout,
 * so a crashed invocation's redelivery always finds the lease lapsed.
 */
export const LEASE_MS = 30_000;
/** How long after a lease lapses the check of a duplicate's fan-out runs. */
const LEASE_CHECK_MARGIN_MS = 5_000;

/**
 * Someone holds the send lease: another copy sending right now, or a first pass that died
 * between storing the event and sending its tasks (the two look alike until the lease lapses).
 * The caller acknowledges a duplicate, so this one must not depend on yet another copy
 * coming: a fan-out command is scheduled for when the lease has surely lapsed, and completes
 * whatever is missing then (nothing, usually). One entry per message per minute.
 */
export async function scheduleLeaseCheck(
  deps: Uses<"scheduler">,
  org: string,
  msgId: string,
  now: number,
): Promise<void> {
  const at = new Date(now + LEASE_MS + LEASE_CHECK_MARGIN_MS);
  await deps.scheduler.schedule({
    name: scheduleName("fanout", msgId, "lease", String(Math.floor(at.getTime() / 60_000))),
    at,
    target: "ingest",
    body: fanoutCommandBody(org, msgId),
  });
}
