/**
 * Contract of core/queue, the SQS adapter: batched sends, delivery tasks, the one dead-letter
 * path, visibility. Modules outside the folder import only this index (docs/design.md, "Layers");
 * what it does not re-export is internal to the folder.
 */

export { type DeadLetter, deadLetter, sendToDlq } from "./dead-letter.js";
export { OPERATIONAL_SOURCE, operationalBus } from "./event-bus.js";
export {
  type MemoryTaskQueue,
  memoryTaskQueue,
  type QueueDepth,
  type StoredQueueMessage,
} from "./memory-queue.js";
export { SendError, sendAll, sendEach } from "./send.js";
export { createSqs } from "./sqs.js";
export { type DlqRedrive, redriveDelivery, sqsTaskQueue } from "./sqs-queue.js";
export { enqueueTasks, enqueueTasksOfMessages, taskMessage } from "./tasks.js";
