/**
 * Moves delivery tasks from the delivery DLQ back to the delivery queue (fresh retry cycle).
 *
 *   npx tsx scripts/redrive-dlq.ts [--dry-run] [--max N] [--org ORG_ID] [--endpoint EP_ID]
 *
 * Reads the same environment as the functions (DELIVERY_QUEUE_URL, DELIVERY_DLQ_URL,
 * AWS_REGION, SQS_ENDPOINT for the local emulator). See the README, "Redrive the delivery DLQ".
 */
import { parseArgs } from "node:util";
import { loadConfig } from "../core/config/runtime.js";
import { redriveDeliveryDlq } from "../core/queue/redrive.js";
import { createSqs } from "../core/queue/sqs.js";

const { values } = parseArgs({
  options: {
    "dry-run": { type: "boolean", default: false },
    max: { type: "string" },
    org: { type: "string" },
    endpoint: { type: "string" },
  },
});

const config = loadConfig();
const sqs = createSqs(config);
const result = await redriveDeliveryDlq(sqs, {
  dlqUrl: config.queues.deliveryDlq,
  queueUrl: config.queues.delivery,
  max: values.max ? Number(values.max) : undefined,
  dryRun: values["dry-run"],
  orgId: values.org,
  endpointId: values.endpoint,
});
console.log(
  `${values["dry-run"] ? "would move" : "moved"} ${result.moved} task(s); ${result.left} left in the DLQ`,
);
sqs.destroy();
