/**
 * The SDK clients of AWS destinations: one per endpoint (its credentials are its own assumed
 * role's), kept in a bounded cache so a warm process reuses its connections. The host a
 * client talks to is never the tenant's to choose: AWS's regional endpoint of the target's
 * service, resolved by the SDK from the region (checked at creation, core/endpoints), or, on
 * the local stack, the emulator from the configuration.
 */
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { S3Client } from "@aws-sdk/client-s3";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import { lru } from "../../lib/index.js";
import type { AwsEndpointType, AwsSendTarget } from "../../model/index.js";
import type { AssumedCredentials, AwsClientOptions } from "./options.js";

export type AwsClient = SQSClient | SNSClient | EventBridgeClient | S3Client;

const CLIENTS: Record<AwsEndpointType, new (config: object) => AwsClient> = {
  aws_sqs: SQSClient,
  aws_sns: SNSClient,
  aws_eventbridge: EventBridgeClient,
  aws_s3: S3Client,
};

export type CredentialSource = (target: AwsSendTarget) => Promise<AssumedCredentials>;

/** A client per endpoint, created on its first attempt with credentials from `credentials`. */
export function clientCache(options: AwsClientOptions, credentials: CredentialSource) {
  const clients = lru<AwsClient>({
    maxEntries: options.maxSessions ?? 1000,
    maxWeight: Number.MAX_SAFE_INTEGER,
  });
  return (target: AwsSendTarget): AwsClient => {
    const key = `${target.type}|${target.endpoint_id}|${target.role_arn}|${target.region}`;
    const cached = clients.get(key);
    if (cached) return cached;
    const Client = CLIENTS[target.type];
    const client = new Client({
      region: target.region,
      // One attempt per delivery attempt: the delivery policy owns retries (and sees throttling).
      maxAttempts: 1,
      // The SDK refreshes what the provider gives before `expiration`; the cache dedupes STS calls.
      credentials: () => credentials(target),
      ...(options.emulatorEndpoint ? { endpoint: options.emulatorEndpoint, forcePathStyle: true } : {}),
      // SQS would otherwise send to the host of the queue URL it is given.
      ...(target.type === "aws_sqs" ? { useQueueUrlAsEndpoint: false } : {}),
      ...(options.requestHandler ? { requestHandler: options.requestHandler } : {}),
    });
    clients.set(key, client, 1);
    return client;
  };
}
