/**
 * Creates the table and the queues on the emulators with the settings `sst deploy` uses
 * (core/config/infra.ts), and returns the environment the functions read.
 */

import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { type QueueSettings, queues, table } from "../core/config/index.js";

const credentials = { accessKeyId: "local", secretAccessKey: "local" };
const region = "us-east-1";

export interface ProvisionOptions {
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  /** Appended to every name so several stacks (test files) can share one emulator. */
  suffix?: string;
}

/** The environment variables of core/config/runtime.ts that point at what was created. */
export type StackEnv = Record<string, string>;

/**
 * Settings a local stack defaults to but a developer may override from the environment
 * (`ALLOW_PRIVATE_TARGETS=false npm start` tries the SSRF guard): unlike the names above,
 * which must match what was just created.
 */
export const LOCAL_DEFAULTS: Readonly<Record<string, string>> = {
  ALLOW_PRIVATE_TARGETS: "true",
  ALLOW_HTTP_LOCALHOST: "true",
  // One key for every stack on this machine that keeps no data (tests); `npm start` keeps its own under .data/.
  SECRETS_KEY_FILE: join(tmpdir(), "hookrelay-local-secrets.key"),
};

export async function provision(opts: ProvisionOptions): Promise<StackEnv> {
  const suffix = opts.suffix ? `-${opts.suffix}` : "";
  const tableName = `${table.name}${suffix}`;
  await createTable(opts.dynamodbEndpoint, tableName);

  const sqs = new SQSClient({ endpoint: opts.sqsEndpoint, region, credentials });
  try {
    const ingest = await createQueueWithDlq(sqs, queues.ingest, suffix);
    const delivery = await createQueueWithDlq(sqs, queues.delivery, suffix);
    const slow = await createQueueWithDlq(sqs, queues.deliverySlow, suffix);
    const ordered = await createQueueWithDlq(sqs, queues.deliveryOrdered, suffix);
    return {
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      TABLE_NAME: tableName,
      DYNAMODB_ENDPOINT: opts.dynamodbEndpoint,
      SQS_ENDPOINT: opts.sqsEndpoint,
      // aws_* endpoints deliver into the same emulator (docs/destinations.md, "Locally").
      AWS_DESTINATION_ENDPOINT: opts.sqsEndpoint,
      INGEST_QUEUE_URL: ingest.url,
      INGEST_QUEUE_ARN: ingest.arn,
      INGEST_DLQ_URL: ingest.dlqUrl,
      DELIVERY_QUEUE_URL: delivery.url,
      DELIVERY_QUEUE_ARN: delivery.arn,
      DELIVERY_DLQ_URL: delivery.dlqUrl,
      DELIVERY_SLOW_QUEUE_URL: slow.url,
      DELIVERY_SLOW_QUEUE_ARN: slow.arn,
      DELIVERY_ORDERED_QUEUE_URL: ordered.url,
      DELIVERY_ORDERED_QUEUE_ARN: ordered.arn,
      SCHEDULER_MODE: "local",
      // Each stack its own portal signing secret and API-key pepper; `npm start` overrides them
      // with the ones it keeps in .data/ (portal-secret, api-key-pepper).
      PORTAL_SECRET: randomBytes(32).toString("base64url"),
      API_KEY_PEPPER: randomBytes(32).toString("base64url"),
      ...LOCAL_DEFAULTS,
    };
  } finally {
    sqs.destroy();
  }
}

async function createTable(endpoint: string, name: string): Promise<void> {
  const ddb = new DynamoDBClient({ endpoint, region, credentials });
  const { partitionKey, sortKey, globalIndexes, ttlAttribute } = table;
  const indexAttrs = Object.values(globalIndexes).flatMap((g) => [g.partitionKey, g.sortKey]);
  try {
    await ddb.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [partitionKey, sortKey, ...indexAttrs].map((a) => ({
          AttributeName: a,
          AttributeType: "S",
        })),
        KeySchema: [
          { AttributeName: partitionKey, KeyType: "HASH" },
          { AttributeName: sortKey, KeyType: "RANGE" },
        ],
        GlobalSecondaryIndexes: Object.entries(globalIndexes).map(([indexName, g]) => ({
          IndexName: indexName,
          KeySchema: [
            { AttributeName: g.partitionKey, KeyType: "HASH" },
            { AttributeName: g.sortKey, KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: g.projection === "keys-only" ? "KEYS_ONLY" : "ALL" },
        })),
      }),
    );
    await ddb.send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
      }),
    );
  } catch (err) {
    // `npm start` reuses the table persisted under .data/.
    if (!(err instanceof ResourceInUseException)) throw err;
    await ddb.send(new DescribeTableCommand({ TableName: name }));
  } finally {
    ddb.destroy();
  }
}

/** A FIFO queue's name ends in `.fifo`. */
const named = (name: string, suffix: string, fifo?: boolean) => `${name}${suffix}${fifo ? ".fifo" : ""}`;

/** FIFO queues: high-throughput mode (deduplication and throughput per message group), as infra/queues.ts. */
const fifoAttributes = (fifo?: boolean): Record<string, string> =>
  fifo
    ? { FifoQueue: "true", DeduplicationScope: "messageGroup", FifoThroughputLimit: "perMessageGroupId" }
    : {};

async function createQueueWithDlq(sqs: SQSClient, settings: QueueSettings, suffix: string) {
  const dlq = await sqs.send(
    new CreateQueueCommand({
      QueueName: named(settings.dlq.name, suffix, settings.fifo),
      Attributes: {
        ...fifoAttributes(settings.fifo),
        MessageRetentionPeriod: String(settings.dlq.retentionSeconds),
        MaximumMessageSize: String(settings.maxMessageBytes),
      },
    }),
  );
  const dlqArn = await queueArn(sqs, dlq.QueueUrl!);
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: named(settings.name, suffix, settings.fifo),
      Attributes: {
        ...fifoAttributes(settings.fifo),
        VisibilityTimeout: String(settings.visibilityTimeoutSeconds),
        MessageRetentionPeriod: String(settings.retentionSeconds),
        MaximumMessageSize: String(settings.maxMessageBytes),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqArn,
          maxReceiveCount: settings.maxReceiveCount,
        }),
      },
    }),
  );
  return { url: queue.QueueUrl!, arn: await queueArn(sqs, queue.QueueUrl!), dlqUrl: dlq.QueueUrl! };
}

async function queueArn(sqs: SQSClient, url: string): Promise<string> {
  const res = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }));
  return res.Attributes!.QueueArn!;
}
