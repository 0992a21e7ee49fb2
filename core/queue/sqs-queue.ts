/**
 * The task queue on SQS: the AWS adapter, and the local one (the same client pointed at
 * fauxqs by `SQS_ENDPOINT`, core/config). Queue names map to the URLs of the configuration.
 */
import { DeleteMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import {
  type RedriveOptions,
  type RedriveResult,
  redriveDeliveryDlq,
} from "../../packages/client/src/sqs/redrive.js";
import { changeVisibility } from "../../packages/client/src/sqs/visibility.js";
import type { Config } from "../config/index.js";
import type { TaskQueue } from "../model/index.js";
import { sendEach } from "./send.js";

export function sqsTaskQueue(sqs: SQSClient, urls: Config["queues"]): TaskQueue {
  return {
    send: (queue, messages, opts) => sendEach(sqs, urls[queue], messages, opts?.parallel ?? 4),
    changeVisibility: (queue, changes) => changeVisibility(sqs, urls[queue], changes),
    delete: (queue, handles) => deleteAll(sqs, urls[queue], handles),
  };
}

async function deleteAll(sqs: SQSClient, queueUrl: string, handles: string[]): Promise<number> {
  let refused = 0;
  for (let i = 0; i < handles.length; i += 10) {
    const chunk = handles.slice(i, i + 10);
    const res = await sqs
      .send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((h, j) => ({ Id: String(j), ReceiptHandle: h })),
        }),
      )
      .catch(() => ({ Failed: chunk }));
    refused += res.Failed?.length ?? 0;
  }
  return refused;
}

/** What a redrive of this deployment's delivery DLQ may choose (the queues are the deployment's). */
export type DlqRedrive = Omit<RedriveOptions, "dlqUrl" | "queueUrl">;

/**
 * Moves tasks from the delivery DLQ back to the delivery queue with a fresh retry cycle: the
 * CLI's `dlq redrive` (packages/client/src/sqs/redrive.ts) on the configured queues.
 */
export function redriveDelivery(
  sqs: SQSClient,
  urls: Config["queues"],
  opts: DlqRedrive,
): Promise<RedriveResult> {
  return redriveDeliveryDlq(sqs, { ...opts, dlqUrl: urls.deliveryDlq, queueUrl: urls.delivery });
}
