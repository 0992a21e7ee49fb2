/** Enqueues delivery tasks on the delivery queue. */
import {
  type DeliveryTask,
  dedupId,
  type QueueMessage,
  type QueueSendReport,
  type TaskQueue,
  taskId,
} from "../model/index.js";
import { sendAllVia } from "./send.js";

/**
 * A delivery task's message on a lane's queue. Its endpoint is its fair-queue tenant (`tenant`,
 * SQS `MessageGroupId`): when one endpoint's tasks hold a disproportionate share of the messages
 * in flight (a flapping endpoint's retries), SQS hands the consumers the other endpoints' tasks
 * first (docs/delivery.md, "Isolation").
 */
export function taskMessage(
  id: string,
  task: Pick<DeliveryTask, "endpoint_id">,
  body: string,
  delaySeconds?: number,
): QueueMessage {
  return { id, body, tenant: task.endpoint_id, ...(delaySeconds === undefined ? {} : { delaySeconds }) };
}

/** What enqueueing needs: the task queue. */
export interface TaskQueueDeps {
  taskQueue: Pick<TaskQueue, "send">;
}

/**
 * Sends the tasks (visible after `delaySeconds`); returns the endpoint ids whose task is on the
 * queue. Throws SendError otherwise.
 */
export async function enqueueTasks(
  deps: TaskQueueDeps,
  tasks: DeliveryTask[],
  delaySeconds = 0,
): Promise<string[]> {
  const byId = new Map(tasks.map((t) => [taskId(t.msg_id, t.endpoint_id), t]));
  const sent = await sendAllVia(
    deps.taskQueue,
    "delivery",
    [...byId].map(([id, t]) =>
      taskMessage(id, t, JSON.stringify(t), delaySeconds > 0 ? delaySeconds : undefined),
    ),
  );
  return sent.map((id) => byId.get(id)!.endpoint_id);
}

/**
 * Sends tasks of any number of messages together (SendMessageBatch calls mix messages) and
 * never throws: the report lists task ids (`{msg_id}:{endpoint_id}`) sent and failed. A task
 * `groupOf` gives a FIFO message group (an ordered endpoint's, core/model/ordering.ts) goes to
 * the ordered queue, in the order given.
 */
export async function enqueueTasksOfMessages(
  deps: TaskQueueDeps,
  tasks: DeliveryTask[],
  groupOf: (t: DeliveryTask) => string | undefined = () => undefined,
): Promise<QueueSendReport> {
  const byId = new Map(tasks.map((t) => [taskId(t.msg_id, t.endpoint_id), t]));
  const shared: QueueMessage[] = [];
  const ordered: QueueMessage[] = [];
  for (const [id, t] of byId) {
    const groupId = groupOf(t);
    const body = JSON.stringify(t);
    if (groupId === undefined) shared.push(taskMessage(id, t, body));
    else ordered.push({ id, body, fifo: { groupId, dedupId: dedupId(id) } });
  }
  if (ordered.length === 0) return deps.taskQueue.send("delivery", shared);
  // One call after another within the ordered queue keeps a group's publish order.
  const [a, b] = await Promise.all([
    deps.taskQueue.send("delivery", shared),
    deps.taskQueue.send("deliveryOrdered", ordered, { parallel: 1 }),
  ]);
  return { sent: [...a.sent, ...b.sent], failed: [...a.failed, ...b.failed], error: a.error ?? b.error };
}
