/**
 * Moved to the test kit (test/support/*); re-exported for test files written against this
 * module while the kit was folded. Import from test/support instead: this file goes once
 * nothing imports it.
 */
import type { Deps } from "../../core/deps.js";
import type { EndpointRecord } from "../../core/model/endpoint.js";
import { startDelivery as startPollers } from "../support/delivery.js";
import { putEndpoint } from "../support/endpoints.js";
import type { TestStack } from "../support/stack.js";

export { rng } from "../../bench/rng.js";
export { type Capture, captureOutput } from "../support/capture.js";
export { attemptsOfMsg, deliveryOf, enqueue, taskFor, waitForDelivery } from "../support/deliveries.js";
export { newSecret } from "../support/endpoints.js";
export { queueCounts, receiveAll, setVisibilityTimeout, waitForEmptyQueue } from "../support/queues.js";
export { sqsEvent } from "../support/sqs-event.js";
export { scanAll, tableDigest } from "../support/table.js";

/** The kit's `putEndpoint` under this module's old signature (no retries by default). */
export const putEndpointItem = (deps: Deps, org: string, over: Partial<EndpointRecord> & { url: string }) =>
  putEndpoint(deps, { org_id: org, max_retries: 0, ...over });

/** The kit's `startDelivery` under this module's old signature. */
export const startDelivery = (stack: TestStack, concurrency = 2) => startPollers(stack, { concurrency });
