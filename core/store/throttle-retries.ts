/**
 * DynamoDB calls that are not retried when throttled: the SDK's standard retries wait up to
 * ~1 s then ~2 s (a random share of 1 s × 2^retries) before giving a throttled call up, and
 * a caller with a better place to wait makes its call inside `withoutThrottleRetries`.
 *
 * Why: the ingest function's records run together in one invocation, which returns when its
 * last record is done. A tenant over its shards' write capacity (docs/scale.md, hot-tenant-4k)
 * made every batch holding one of its events wait out that backoff, so the shared function
 * carried a fraction of its throughput and every tenant's events queued behind. Its message
 * writes are now made once; a refused one is deferred on the queue (core/events/defer.ts), and
 * the batch's other records finish at once.
 *
 * The scope is an AsyncLocalStorage flag that the one client's retry strategy reads (the SDK
 * has no per-call retry setting): every call keeps one client, one connection pool and every
 * test's fault injection (test/support/faults.ts). Other errors (5xx, a dropped connection)
 * are retried as always. The simulation's DynamoDB model reads the same flag
 * (sim/aws/dynamodb.ts), as the production client does.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";

const scope = new AsyncLocalStorage<true>();

/** Runs `fn` with its DynamoDB calls given up at their first throttle (their caller waits elsewhere). */
export function withoutThrottleRetries<T>(fn: () => Promise<T>): Promise<T> {
  return scope.run(true, fn);
}

/** Whether a throttled call made now is given up at once (inside `withoutThrottleRetries`). */
export function throttleRetriesOff(): boolean {
  return scope.getStore() === true;
}

type Strategy = Extract<
  NonNullable<DynamoDBClientConfig["retryStrategy"]>,
  { acquireInitialRetryToken: unknown }
>;
type Token = Parameters<Strategy["recordSuccess"]>[0];
type ErrorInfo = Parameters<Strategy["refreshRetryTokenForRetry"]>[1];

/**
 * The SDK's own retry strategy (`standard`, the client's `maxAttempts`) but for a throttled
 * call inside `withoutThrottleRetries`, which it refuses to retry: the SDK then throws the
 * throttling error (ProvisionedThroughputExceededException) at once.
 */
export function throttleAwareRetries(sdkDefault: () => Promise<unknown>): Strategy {
  let inner: Strategy | undefined;
  // The SDK's default (a StandardRetryStrategy) implements the interface this one does.
  const strategy = async () => (inner ??= (await sdkDefault()) as Strategy);
  return {
    acquireInitialRetryToken: async (scopeName: string) =>
      (await strategy()).acquireInitialRetryToken(scopeName),
    refreshRetryTokenForRetry: async (token: Token, info: ErrorInfo) => {
      if (info.errorType === "THROTTLING" && throttleRetriesOff()) throw info.error ?? new Error("throttled");
      return (await strategy()).refreshRetryTokenForRetry(token, info);
    },
    // Only after a token was acquired, so the strategy is known by then.
    recordSuccess: (token: Token) => inner?.recordSuccess(token),
  };
}
