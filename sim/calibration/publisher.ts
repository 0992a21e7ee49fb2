/**
 * The calibration's publisher in the simulation: tenant a's and b's events as bench/burst.ts
 * publishes them on the local stack — in `publishOrder` (a, b, a, b …), 10 per
 * SendMessageBatch through the producers' `publishEvents` (each event's organization its
 * `MessageGroupId`), 4 batches at a time (its `pool`), a paced shape's batch at its time — each
 * send one of the Node process's SDK calls on the local machine (local-machine.ts). An event's
 * delay counts from its batch's send, as the benchmark's `sent_at` does.
 *
 * Why not the scenarios' publisher (sim/tenants.ts `publish`, one event at a time, evenly
 * spaced): 200 events "at once" there arrive one by one within a millisecond, so the first
 * ingest invocations took 2 events each, and the first delivery batches 1 task of each tenant.
 * On the local stack the first receive takes a whole SendMessageBatch (10 events, 5 of each
 * tenant), and the trial gate (core/delivery/trial.ts) refuses 3 of an unproven endpoint's 5
 * tasks in that batch: whether they come back before its trial has answered is what gives the
 * local stack's tail (docs/scale.md, "Calibration").
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import { type BurstShape, publishOrder } from "../../bench/burst-shapes.js";
import { mapLimit } from "../../core/lib/pool.js";
import { publishEvents } from "../../packages/client/src/publish.js";
import { TYPES } from "../tenants.js";
import { QUEUE, type World } from "../world.js";

/** Events per SendMessageBatch (SQS's most; packages/client publishEvents). */
const PER_BATCH = 10;
/** Batches in flight at once (bench/burst.ts `pool`). */
const SENDERS = 4;

/** Publishes the shape's events from `t0` (virtual ms); the organizations are the sim-side's groups. */
export function publishShape(world: World, shape: BurstShape, t0: number): void {
  const order = publishOrder(shape);
  const batches = Array.from({ length: Math.ceil(order.length / PER_BATCH) }, (_, i) =>
    order.slice(i * PER_BATCH, (i + 1) * PER_BATCH).map((_, j) => i * PER_BATCH + j),
  );
  const rate = shape.ratePerTenant ? shape.ratePerTenant * 2 : undefined;
  const sqs = (world.machine?.client(world.sqs.client, "fauxqs") ?? world.sqs.client) as unknown as SQSClient;
  void mapLimit(batches, SENDERS, async (batch) => {
    if (rate) await world.engine.sleep(Math.max(0, t0 + (batch[0]! / rate) * 1000 - world.engine.t));
    const sentAt = world.engine.t;
    const events = batch.map((seq) => {
      const org = `org_${order[seq]}_0`;
      return { org_id: org, type: TYPES[0]!, data: { seq, sim: { t: sentAt, org } } };
    });
    // The benchmark's producer call (packages/client publishEvents): one SendMessageBatch, each
    // event with its organization as MessageGroupId.
    await publishEvents(sqs, QUEUE.ingest, events);
  });
}
