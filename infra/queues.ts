/**
 * SQS: the ingest and delivery queues, each with a DLQ, the slow lane, ordered endpoints' FIFO
 * queue with its FIFO DLQ, and the scheduler's DLQ.
 * Every setting comes from core/config/infra.ts, which the local stack is built from too.
 *
 * sst.aws.Queue has no retention or size prop: both go through `transform.queue`. The
 * provider's default size is 256 KiB; a delivery task carries the whole body, so every queue
 * sets 1 MiB.
 */
import {
  type QueueSettings,
  queues,
  SQS_MAX_MESSAGE_BYTES,
  SQS_MAX_RETENTION_SECONDS,
} from "../core/config/infra.js";
import { type Stage, seconds } from "./stage.js";

export interface Queues {
  ingest: sst.aws.Queue;
  ingestDlq: sst.aws.Queue;
  delivery: sst.aws.Queue;
  deliveryDlq: sst.aws.Queue;
  /** The slow lane (docs/delivery.md): its own queue, sharing the delivery DLQ. */
  deliverySlow: sst.aws.Queue;
  /** Ordered endpoints (docs/delivery.md, "Ordered delivery"): a FIFO queue and its FIFO DLQ. */
  deliveryOrdered: sst.aws.Queue;
  deliveryOrderedDlq: sst.aws.Queue;
  /** Where EventBridge Scheduler puts an invocation it gave up on (after 24 h of retries). */
  schedulerDlq: sst.aws.Queue;
}

/** FIFO queues in high-throughput mode: deduplication and throughput per message group. */
const HIGH_THROUGHPUT = { deduplicationScope: "messageGroup", fifoThroughputLimit: "perMessageGroupId" };

const sized = (retentionSeconds: number, maxMessageBytes: number, fifo?: boolean) => ({
  queue: {
    messageRetentionSeconds: retentionSeconds,
    maxMessageSize: maxMessageBytes,
    ...(fifo ? HIGH_THROUGHPUT : {}),
  },
});

/** A queue redriven to `dlq` after `maxReceiveCount` receives. */
function queueOf(q: QueueSettings, dlq: sst.aws.Queue, stage: Stage): sst.aws.Queue {
  return new sst.aws.Queue(
    q.name,
    {
      visibilityTimeout: seconds(q.visibilityTimeoutSeconds),
      dlq: { queue: dlq.arn, retry: q.maxReceiveCount },
      ...(q.fifo ? { fifo: true } : {}),
      transform: sized(q.retentionSeconds, q.maxMessageBytes, q.fifo),
    },
    stage.keep,
  );
}

function dlqOf(q: QueueSettings, stage: Stage): sst.aws.Queue {
  return new sst.aws.Queue(
    q.dlq.name,
    {
      ...(q.fifo ? { fifo: true } : {}),
      transform: sized(q.dlq.retentionSeconds, q.maxMessageBytes, q.fifo),
    },
    stage.keep,
  );
}

export function createQueues(stage: Stage): Queues {
  const ingestDlq = dlqOf(queues.ingest, stage);
  const ingest = queueOf(queues.ingest, ingestDlq, stage);
  const deliveryDlq = dlqOf(queues.delivery, stage);
  const delivery = queueOf(queues.delivery, deliveryDlq, stage);
  const deliverySlow = queueOf(queues.deliverySlow, deliveryDlq, stage);
  // A FIFO queue may only redrive to a FIFO DLQ (its crash safety net; exhausted retries go to
  // the delivery DLQ, core/queue/dead-letter.ts).
  const deliveryOrderedDlq = dlqOf(queues.deliveryOrdered, stage);
  const deliveryOrdered = queueOf(queues.deliveryOrdered, deliveryOrderedDlq, stage);
  const schedulerDlq = new sst.aws.Queue(
    "SchedulerDlq",
    { transform: sized(SQS_MAX_RETENTION_SECONDS, SQS_MAX_MESSAGE_BYTES) },
    stage.keep,
  );
  return {
    ingest,
    ingestDlq,
    delivery,
    deliveryDlq,
    deliverySlow,
    deliveryOrdered,
    deliveryOrderedDlq,
    schedulerDlq,
  };
}

/**
 * Publishing from other stacks: attach this managed policy to a producer's role to let it
 * publish events.
 */
export function createProducerPolicy(ingest: sst.aws.Queue): aws.iam.Policy {
  return new aws.iam.Policy("IngestProducerPolicy", {
    description: $interpolate`Publish events to the ${$app.name} (${$app.stage}) ingest queue`,
    policy: aws.iam.getPolicyDocumentOutput({
      statements: [{ actions: ["sqs:SendMessage", "sqs:GetQueueUrl"], resources: [ingest.arn] }],
    }).json,
  });
}
