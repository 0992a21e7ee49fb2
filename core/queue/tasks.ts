/** Enqueues delivery tasks on the delivery queue. */
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { Config } from "../config/index.js";
import { type DeliveryTask, taskId } from "../model/index.js";
import { type SendReport, sendAll, sendEach } from "./send.js";

/** What enqueueing needs: the SQS client and the delivery queue's url. */
export interface TaskQueueDeps {
  sqs: SQSClient;
  config: { queues: Pick<Config["queues"], "delivery"> };
}

/** Sends the tasks; returns the endpoint ids whose task is on the queue. Throws SendError otherwise. */
export async function enqueueTasks(deps: TaskQueueDeps, tasks: DeliveryTask[]): Promise<string[]> {
  const byId = new Map(tasks.map((t) => [taskId(t.msg_id, t.endpoint_id), t]));
  const sent = await sendAll(
    deps.sqs,
    deps.config.queues.delivery,
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
): Promise<SendReport> {
  const byId = new Map(tasks.map((t) => [taskId(t.msg_id, t.endpoint_id), t]));
  return sendEach(
    deps.sqs,
    deps.config.queues.delivery,
    [...byId].map(([id, t]) => ({ id, body: JSON.stringify(t) })),
  );
}
