/**
 * The fan-out sweep (issue #23 item 6): finishes the fan-outs of events whose publish died
 * between storing the event and enqueuing its tasks, with no producer retry to finish them.
 * Run once a minute (an EventBridge Scheduler rate schedule on AWS, infra/scheduler.ts; the
 * local stack's scheduler poller), it reads the open fan-out markers older than
 * STUCK_GRACE_MS (core/store/open-fanouts.ts), the grace `recover` gives a delivery, and
 * completes each under its send lease (fanout.ts completeFanout: the delivery log says which
 * targets already got their task, only the others are sent, then `sent` is recorded), then
 * deletes the marker. A fan-out younger than the grace is in progress, and is left alone.
 */
import { mapLimit } from "../lib/index.js";
import { logger } from "../log/index.js";
import { STUCK_GRACE_MS } from "../model/index.js";
import { completeFanout, type FanoutDeps, isComplete, notToSend } from "./fanout.js";

/** Markers read per partition and run: a longer backlog is finished by the next runs. */
export const SWEEP_PER_SHARD = 50;

export interface SweepResult {
  /** Open markers older than the grace that were read. */
  found: number;
  /** Fan-outs seen through (sent, scheduled, or the message gone) and their marker deleted. */
  closed: number;
}

type Open = { org_id: string; msg_id: string; created_at: string };

export async function sweepOpenFanouts(deps: FanoutDeps): Promise<SweepResult> {
  const before = new Date(deps.now().getTime() - STUCK_GRACE_MS).toISOString();
  const open = await deps.fanoutStore.openBefore(before, SWEEP_PER_SHARD);
  const done = await mapLimit(open, 8, async (o) => {
    try {
      return await finish(deps, o);
    } catch (err) {
      // Left open: the next run tries again.
      logger.error("fan-out sweep: event not finished", {
        org_id: o.org_id,
        msg_id: o.msg_id,
        error: { name: (err as Error).name, message: (err as Error).message },
      });
      return false;
    }
  });
  const closed = done.filter(Boolean).length;
  if (open.length > 0)
    logger.warn("fan-out sweep finished interrupted publishes", { found: open.length, closed });
  return { found: open.length, closed };
}

/** Completes one open fan-out; true when its marker could be deleted. */
async function finish(deps: FanoutDeps, o: Open): Promise<boolean> {
  const marker = { org_id: o.org_id, id: o.msg_id, created_at: o.created_at };
  const before = await deps.messageStore.get(o.org_id, o.msg_id);
  // No message: its writer died before storing it (the publish was never acknowledged). One
  // never to be sent (payload gone, organization deleted: fanout.ts notToSend) sends nothing:
  // the marker just goes.
  const skip = before === undefined || (await notToSend(deps, before)) !== undefined;
  if (!skip && !(before.fanout_at !== null && isComplete(before))) {
    await completeFanout(deps, o.org_id, o.msg_id);
    const after = await deps.messageStore.get(o.org_id, o.msg_id);
    // Still open (someone else holds the lease): the next run looks again.
    if (after && after.fanout_at !== null && !isComplete(after)) return false;
  }
  await deps.fanoutStore.close(marker);
  return true;
}
