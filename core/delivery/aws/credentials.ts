/**
 * Assumed-role credentials, per endpoint: STS AssumeRole with the endpoint's external id,
 * kept until shortly before they expire, in a bounded cache (STS allows about 600 requests/s
 * per account, shared with every other STS call: a request per delivery would hit it).
 * Concurrent attempts to one endpoint share one AssumeRole call.
 */
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { lru } from "../../lib/index.js";
import type { AwsSendTarget } from "../../model/index.js";
import type { AssumedCredentials, AwsClientOptions } from "./options.js";

/** Credentials are refreshed this long before they expire (an attempt must not start with a dying set). */
export const REFRESH_BEFORE_MS = 5 * 60_000;
/** How long assumed credentials last (STS: 15 min to the role's maximum, 1 h by default). */
export const SESSION_SECONDS = 3600;
/** Endpoints whose credentials are kept per process; the least recently used go first. */
export const MAX_CACHED_SESSIONS = 1000;

export interface CredentialCache {
  /** The target's credentials: cached, or assumed now. Throws the STS error. */
  get(target: Pick<AwsSendTarget, "endpoint_id" | "role_arn" | "external_id">): Promise<AssumedCredentials>;
  /** AssumeRole calls made (the test of the cache reads it). */
  readonly assumed: number;
}

export function credentialCache(options: AwsClientOptions): CredentialCache {
  const sts = new STSClient({
    region: options.region,
    maxAttempts: 1,
    ...(options.ownCredentials ? { credentials: options.ownCredentials } : {}),
    ...(options.requestHandler ? { requestHandler: options.requestHandler } : {}),
  });
  const cache = lru<Promise<AssumedCredentials>>({
    maxEntries: options.maxSessions ?? MAX_CACHED_SESSIONS,
    maxWeight: Number.MAX_SAFE_INTEGER,
  });
  let assumed = 0;
  const fresh = (c: AssumedCredentials) =>
    c.expiration.getTime() - options.now().getTime() > REFRESH_BEFORE_MS;

  const assume = async (target: Pick<AwsSendTarget, "endpoint_id" | "role_arn" | "external_id">) => {
    assumed++;
    const res = await sts.send(
      new AssumeRoleCommand({
        RoleArn: target.role_arn,
        ExternalId: target.external_id,
        // Shown in the customer's CloudTrail: which endpoint of which deployment assumed the role.
        RoleSessionName: `hookrelay-${target.endpoint_id}`.slice(0, 64),
        DurationSeconds: SESSION_SECONDS,
      }),
    );
    const c = res.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.Expiration)
      throw new Error("STS returned no credentials");
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
  };

  return {
    get assumed() {
      return assumed;
    },
    async get(target) {
      // The role and the external id are part of the key: a changed role_arn assumes anew.
      const key = `${target.endpoint_id}|${target.role_arn}|${target.external_id}`;
      const cached = cache.get(key);
      if (cached) {
        const c = await cached.catch(() => undefined);
        if (c && fresh(c)) return c;
      }
      const pending = assume(target);
      cache.set(key, pending, 1);
      // A refused assumption is not kept: the customer may fix the trust policy at any moment.
      pending.catch(() => cache.set(key, Promise.resolve(expired), 1));
      return pending;
    },
  };
}

const expired: AssumedCredentials = { accessKeyId: "", secretAccessKey: "", expiration: new Date(0) };
