/**
 * The SDK clients of AWS destinations: one per endpoint (its credentials are its own assumed
 * role's), kept in a bounded cache so a warm process reuses its connections. The host a
 * client talks to is never the tenant's to choose: AWS's regional endpoint of the target's
 * service, resolved by the SDK from the region (checked at creation, core/endpoints), or, on
 * the local stack, the emulator from the configuration.
 */
import { lru } from "../../lib/index.js";
import type { AwsSendTarget } from "../../model/index.js";
import type { AssumedCredentials, AwsClientOptions } from "./options.js";
import { type AwsClient, SDK } from "./sdk.js";

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
    const { Client, config } = SDK[target.type];
    const client = new Client({
      region: target.region,
      // One attempt per delivery attempt: the delivery policy owns retries (and sees throttling).
      maxAttempts: 1,
      // The SDK refreshes what the provider gives before `expiration`; the cache dedupes STS calls.
      credentials: () => credentials(target),
      ...(options.emulatorEndpoint ? { endpoint: options.emulatorEndpoint, forcePathStyle: true } : {}),
      ...config,
      ...(options.requestHandler ? { requestHandler: options.requestHandler } : {}),
    });
    clients.set(key, client, 1);
    return client;
  };
}
