/**
 * Which FIFO message group each task of a fan-out goes to (docs/delivery.md, "Ordered
 * delivery"): the tasks of endpoints with `ordering: "strict"` are ordered per endpoint and key
 * value (core/model/ordering.ts); test events and every other endpoint's tasks take the shared
 * queue. A deployment without the ordered queue has none (endpoints cannot ask for it there).
 */
import type { Uses } from "../deps.js";
import {
  type DeliveryTask,
  type EndpointRecord,
  isOrdered,
  orderingGroup,
  type StoredMessage,
} from "../model/index.js";
import { enqueueTasksOfMessages } from "../queue/index.js";

export type GroupOf = (t: DeliveryTask) => string | undefined;

const none: GroupOf = () => undefined;

/** Whether the deployment has the ordered queue (else every task takes the shared one). */
export const hasOrderedQueue = (deps: Uses<"config">) =>
  deps.config.queues.deliveryOrdered !== deps.config.queues.delivery;

/** The group of each task of these messages, read from their organizations' (cached) endpoints. */
export async function taskGroups(
  deps: Uses<"config" | "endpoints">,
  ms: Pick<StoredMessage, "org_id" | "id" | "type" | "agent_id" | "data">[],
): Promise<GroupOf> {
  if (!hasOrderedQueue(deps)) return none;
  const orgs = [...new Set(ms.map((m) => m.org_id))];
  const lists = await Promise.all(orgs.map((org) => deps.endpoints.list(org)));
  const ordered = new Map<string, EndpointRecord>();
  lists.flat().forEach((e) => {
    if (isOrdered(e)) ordered.set(`${e.org_id}/${e.id}`, e);
  });
  if (ordered.size === 0) return none;
  const byMessage = new Map(ms.map((m) => [`${m.org_id}/${m.id}`, m]));
  return (t) => {
    const endpoint = ordered.get(`${t.org_id}/${t.endpoint_id}`);
    const m = byMessage.get(`${t.org_id}/${t.msg_id}`);
    if (!endpoint || !m || t.trigger === "test") return undefined;
    return orderingGroup(endpoint, m);
  };
}

/**
 * Sends the tasks of these messages (tasks of several messages share SendMessageBatch calls),
 * each ordered endpoint's to its FIFO group; never throws (core/queue/tasks.ts).
 */
export async function enqueueInGroups(
  deps: Uses<"config" | "endpoints" | "taskQueue">,
  ms: Pick<StoredMessage, "org_id" | "id" | "type" | "agent_id" | "data">[],
  tasks: DeliveryTask[],
) {
  // No await without the ordered queue: the simulation's virtual time sees the same steps as before.
  const groupOf = hasOrderedQueue(deps) ? await taskGroups(deps, ms) : undefined;
  return enqueueTasksOfMessages(deps, tasks, groupOf);
}
