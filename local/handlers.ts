/**
 * The functions the local stack runs: exactly the handlers Lambda runs (functions/*.ts
 * build the same ones from the environment).
 */
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { type ApiEnv, createApp } from "../core/api/index.js";
import { createDeliveryHandler } from "../core/delivery/index.js";
import type { Deps } from "../core/deps.js";
import { createIngestHandler } from "../core/events/index.js";
import { createScheduledHandler } from "../core/scheduled/index.js";
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
  const maintenance = createScheduledHandler(deps);
  return {
    app: (health) => createApp(deps, { health }),
    ingest: createIngestHandler(deps),
    deliver: createDeliveryHandler(deps),
    deliverSlow: createDeliveryHandler(deps, { lane: "slow" }),
    deliverOrdered: createDeliveryHandler(deps, { lane: "ordered" }),
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
