/**
 * What the AWS destination's parts share: the options the composition root (and tests) give,
 * and the credentials an assumed role yields.
 */
import type { STSClientConfig } from "@aws-sdk/client-sts";

export interface AwsClientOptions {
  /** The deployment's region: where STS is called. */
  region: string;
  now: () => Date;
  /**
   * The local stack: every destination client talks to this emulator (configuration, never
   * tenant input) with fixed credentials, and no role is assumed (recorded, not enforced).
   */
  emulatorEndpoint?: string;
  /** The process's own credentials STS is called with (default: the SDK's chain, the function's role). */
  ownCredentials?: { accessKeyId: string; secretAccessKey: string };
  /** Tests: the transport of every SDK client (a fake that records requests and answers). */
  requestHandler?: STSClientConfig["requestHandler"];
  /** Endpoints whose credentials (and clients) are kept per process. */
  maxSessions?: number;
}

export interface AssumedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration: Date;
}
