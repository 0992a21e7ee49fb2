/** Enqueues delivery tasks on the delivery queue. */
import { type DeliveryTask, type QueueSendReport, type TaskQueue, taskId } from "../model/index.js";
import { sendAllVia } from "./send.js";

/** What enqueueing needs: the task queue. */
export interface TaskQueueDeps {
  taskQueue: Pick<TaskQueue, "send">;
}

/** Sends the tasks; returns the endpoint ids whose task is on the queue. Throws SendError otherwise. */
export async function enqueueTasks(deps: TaskQueueDeps, tasks: DeliveryTask[]): Promise<string[]> {
  const byId = new Map(tasks.map((t) => [taskId(t.msg_id, t.endpoint_id), t]));
  const sent = await sendAllVia(
    deps.taskQueue,
    "delivery",
    [...byId].map(([id, t]) => ({ id, body: JSON.stringify(t) })),
  );
  return sent.map((id) => byId.get(id)!.endpoint_id);
}

/**
 * Sends tasks of any number of messages together (SendMessageBatch calls mix messages) and
 * never throws: the report lists task ids (`{msg_id}:{endpoint_id}`) sent and failed.
 */
export async function enqueueTasksOfMessages(
  deps: TaskQueueDeps,
  tasks: DeliveryTask[],
): Promise<QueueSendReport> {
  const byId = new Map(tasks.map((t) => [taskId(t.msg_id, t.endpoint_id), t]));
  return deps.taskQueue.send(
    "delivery",
    [...byId].map(([id, t]) => ({ id, body: JSON.stringify(t) })),
  );
}
