/**
 * Options shared by every AWS SDK client: the same clients talk to AWS and to the local
 * emulators; only the endpoint (and dummy credentials for the emulators) differ.
 */
import type { Config } from "./runtime.js";

export interface ClientOptions {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  maxAttempts: number;
}

export function clientOptions(config: Pick<Config, "region">, endpoint: string | undefined): ClientOptions {
  const options: ClientOptions = { region: config.region, maxAttempts: 3 };
  if (endpoint) {
    options.endpoint = endpoint;
    // Emulators accept any credentials; fixed ones keep a developer's real keys out of play.
    options.credentials = { accessKeyId: "local", secretAccessKey: "local" };
  }
  return options;
}
