/**
 * The functions the local stack runs: exactly the handlers Lambda runs (functions/*.ts
 * build the same ones from the environment), each on its own narrow context picked from the
 * one process's parts (the caches and clients are shared, as they would be in one Lambda).
 */
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Deps } from "../core/all-deps.js";
import { API_PORTS, type ApiEnv, createApp } from "../core/api/index.js";
import { contextFor } from "../core/compose.js";
import { createDeliveryHandler, DELIVERY_PORTS } from "../core/delivery/index.js";
import { createIngestHandler, INGEST_PORTS } from "../core/events/index.js";
import { createScheduledHandler, SCHEDULED_PORTS } from "../core/scheduled/index.js";
import type { SqsHandler } from "./event-source.js";

export interface HandlerSet {
  app(health: () => Promise<Record<string, string>>): OpenAPIHono<ApiEnv>;
  ingest: SqsHandler;
  deliver: SqsHandler;
  /** The slow lane's delivery function. */
  deliverSlow: SqsHandler;
  /** Ordered endpoints' delivery function, on the FIFO queue. */
  deliverOrdered: SqsHandler;
  maintenance: (event: unknown) => Promise<void>;
  /** DynamoDB and SQS reachability. */
  health(): Promise<Record<string, string>>;
}

export function localHandlers(deps: Deps): HandlerSet {
  const maintenance = createScheduledHandler(contextFor(SCHEDULED_PORTS, deps));
  // One context for the three lanes: one process's memos (core/delivery/execute-now.ts keys its resume memo on it).
  const delivery = contextFor(DELIVERY_PORTS, deps);
  return {
    app: (health) => createApp(contextFor(API_PORTS, deps), { health }),
    ingest: createIngestHandler(contextFor(INGEST_PORTS, deps)),
    deliver: createDeliveryHandler(delivery),
    deliverSlow: createDeliveryHandler(delivery, { lane: "slow" }),
    deliverOrdered: createDeliveryHandler(delivery, { lane: "ordered" }),
    maintenance: async (event) => {
      await maintenance(event);
    },
    health: async () => ({
      dynamodb: await status(deps.pingStore.ping()),
      sqs: await status(
        deps.sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: deps.config.queues.delivery,
            AttributeNames: ["QueueArn"],
          }),
        ),
      ),
    }),
  };
}

function status(check: Promise<unknown>): Promise<string> {
  return check.then(
    () => "ok",
    (e: Error) => `error: ${e.message}`,
  );
}
