/**
 * Delivery tasks made by hand, put on the delivery queue, and what became of them: delivery
 * records, attempts, the message item a task came from.
 */
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { ulid } from "ulid";
import type { Deps } from "../../core/all-deps.js";
import type { AttemptRecord, DeliveryRecord } from "../../core/model/delivery.js";
import type { EndpointRecord } from "../../core/model/endpoint.js";
import { newId } from "../../core/model/ids.js";
import { webhookBody } from "../../core/model/message.js";
import type { DeliveryTask } from "../../core/model/task.js";
import { enqueueTasks } from "../../core/queue/tasks.js";
import { attemptsOfEndpoint, attemptsOfMessage } from "../../core/store/attempts.js";
import { keys } from "../../core/store/keys.js";
import { shardPlanOf } from "../../core/store/shard-plans.js";
import { waitFor } from "./wait.js";

/** A fresh event for one endpoint (created now, or `at`), as fan-out would enqueue it. */
export function taskFor(
  ep: Pick<EndpointRecord, "org_id" | "id">,
  data: Record<string, unknown> = { call_id: "c1" },
  type = "call.ended",
  at?: Date,
): DeliveryTask {
  const created = (at ?? new Date()).toISOString();
  // An id of a past time, exactly (the monotonic newId would give it the latest time it made).
  const id = at ? `msg_${ulid(at.getTime())}` : newId("msg");
  return {
    v: 1,
    org_id: ep.org_id,
    msg_id: id,
    endpoint_id: ep.id,
    event_type: type,
    created_at: created,
    body: webhookBody({ id, type, created_at: created, agent_id: null, data }),
    attempt_base: 0,
    trigger: "event",
  };
}

export const enqueue = (deps: Deps, ...tasks: DeliveryTask[]) => enqueueTasks(deps, tasks);

/** A fresh task for one endpoint (taskFor), put on the delivery queue. */
export async function enqueueFor(deps: Deps, ...args: Parameters<typeof taskFor>): Promise<DeliveryTask> {
  const t = taskFor(...args);
  await enqueue(deps, t);
  return t;
}

export async function deliveryOf(deps: Deps, t: DeliveryTask): Promise<DeliveryRecord | undefined> {
  return deps.deliveryStore.get(t.org_id, t.msg_id, t.endpoint_id);
}

/** Waits until the task's delivery record reaches one of `statuses`. */
export const waitForDelivery = (deps: Deps, t: DeliveryTask, ...statuses: DeliveryRecord["status"][]) =>
  waitFor(
    async () => {
      const d = await deliveryOf(deps, t);
      return d && statuses.includes(d.status) ? d : undefined;
    },
    { what: `delivery ${t.msg_id} to be ${statuses.join("|")}`, timeoutMs: 45_000, intervalMs: 100 },
  );

/** Stores the message item a task was made from (what resend and recover read). */
export async function putMessageOf(deps: Deps, t: DeliveryTask, targets: string[] = [t.endpoint_id]) {
  const body = JSON.parse(t.body) as { data: Record<string, unknown> };
  await deps.db.doc.send(
    new PutCommand({
      TableName: deps.db.table,
      Item: {
        ...keys.message(t.org_id, t.msg_id, await shardPlanOf(deps.db, t.org_id)),
        org_id: t.org_id,
        id: t.msg_id,
        type: t.event_type,
        agent_id: null,
        data: body.data,
        producer_id: null,
        created_at: t.created_at,
        deliver_at: null,
        targets,
        sent: targets,
        fanout_at: t.created_at,
      },
    }),
  );
}

/** Attempts of the endpoint, oldest first. */
export async function attemptsOf(
  deps: Deps,
  ep: Pick<EndpointRecord, "org_id" | "id">,
): Promise<AttemptRecord[]> {
  const page = await attemptsOfEndpoint(deps.db, ep.org_id, ep.id, { limit: 100 });
  return page.attempts.reverse();
}

/** Attempts of one message (its endpoints, or the message's own when not given), oldest first. */
export async function attemptsOfMsg(
  deps: Deps,
  org: string,
  msgId: string,
  endpointIds?: string[],
): Promise<AttemptRecord[]> {
  const page = await attemptsOfMessage(deps.db, org, msgId, { limit: 100 }, endpointIds);
  return page.attempts.sort((a, b) => a.attempt - b.attempt || a.id.localeCompare(b.id));
}

/** Raw item read (e.g. a delivery's GSI1 keys). */
export async function rawItem(deps: Deps, key: { pk: string; sk: string }) {
  return (await deps.db.doc.send(new GetCommand({ TableName: deps.db.table, Key: key }))).Item;
}
