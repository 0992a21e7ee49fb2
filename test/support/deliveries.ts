/** Delivery tasks made by hand, put on the delivery queue, and their delivery records awaited. */
import type { Deps } from "../../core/deps.js";
import type { DeliveryRecord } from "../../core/model/delivery.js";
import type { EndpointRecord } from "../../core/model/endpoint.js";
import { newId } from "../../core/model/ids.js";
import { webhookBody } from "../../core/model/message.js";
import type { DeliveryTask } from "../../core/model/task.js";
import { enqueueTasks } from "../../core/queue/tasks.js";
import { getDelivery } from "../../core/store/deliveries.js";
import { waitFor } from "./wait.js";

/** A fresh event of `type` for one endpoint, as fan-out would enqueue it. */
export function deliveryTaskFor(
  ep: Pick<EndpointRecord, "org_id" | "id">,
  type: string,
  data: Record<string, unknown>,
): DeliveryTask {
  const created = new Date().toISOString();
  const id = newId("msg");
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

export async function deliveryOf(deps: Deps, t: DeliveryTask): Promise<DeliveryRecord | undefined> {
  return getDelivery(deps.db, t.org_id, t.msg_id, t.endpoint_id);
}

/** Waits until the task's delivery record reaches one of `statuses`. */
export function waitForDeliveryStatus(
  deps: Deps,
  t: DeliveryTask,
  statuses: DeliveryRecord["status"][],
  timing: { timeoutMs: number; intervalMs?: number },
) {
  return waitFor(
    async () => {
      const d = await deliveryOf(deps, t);
      return d && statuses.includes(d.status) ? d : undefined;
    },
    { what: `delivery ${t.msg_id} to be ${statuses.join("|")}`, ...timing },
  );
}
