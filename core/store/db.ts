/** The DynamoDB document client, pointed at AWS or at DynamoDB Local by configuration. */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { type Config, ConfigError, clientOptions } from "../config/index.js";
import { fileKeyWrapper, type KeyWrapper, kmsKeyWrapper } from "./key-wrap.js";
import { createSecretsAtRest } from "./secrets-at-rest.js";
import type { Db } from "./table.js";
import { throttleAwareRetries } from "./throttle-retries.js";

/** What the table needs of the configuration (a tool that only reads and writes items passes these alone). */
export type DbConfig = Pick<Config, "region" | "tableName" | "endpoints" | "secrets">;

export function createDb(config: DbConfig, now: () => Date = () => new Date()): Db {
  const options = clientOptions(config, config.endpoints.dynamodb);
  // The SDK's default retry strategy for these options, from a client that never sends.
  const sdkDefault = new DynamoDBClient(options).config.retryStrategy;
  const client = new DynamoDBClient({ ...options, retryStrategy: throttleAwareRetries(sdkDefault) });
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  const db = { doc, table: config.tableName, now } as Db;
  let wrapper: KeyWrapper | undefined;
  // Built on first use: tools that never touch a secret (the redrive script) need no key.
  const wrapperOf = () => (wrapper ??= keyWrapper(config));
  db.secrets = createSecretsAtRest(db, wrapperOf);
  return db;
}

function keyWrapper(config: DbConfig): KeyWrapper {
  const { kmsKeyId, keyFile } = config.secrets;
  if (kmsKeyId) {
    return kmsKeyWrapper(kmsKeyId, (sdk) => new sdk.KMSClient({ region: config.region, maxAttempts: 3 }));
  }
  if (keyFile) return fileKeyWrapper(keyFile);
  throw new ConfigError("set SECRETS_KMS_KEY_ID (AWS) or SECRETS_KEY_FILE (local) to store signing secrets");
}
