/**
 * The table as every store module sees it: the document client, the table's name, and what
 * encrypts signing secrets at rest. Types only, so the modules that build it (db.ts for AWS
 * and DynamoDB Local, memory-db.ts in memory, secrets-at-rest.ts) and the modules that use it
 * never import each other in a circle.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

export interface Db {
  doc: DynamoDBDocumentClient;
  table: string;
  /** Encrypts what the stores keep of signing secrets (core/store/secrets-at-rest.ts). */
  secrets: SecretsAtRest;
  /**
   * The root's clock (`deps.now`, core/compose.ts), for what the stores keep of their own
   * (the shard plans' trust windows, shard-plans.ts): virtual in the simulation and in tests.
   */
  now: () => Date;
}

export interface SecretsAtRest {
  /** The stored form of `plaintext` for `org`: `enc1:` + AES-256-GCM bound to the organization. */
  encrypt(org: string, plaintext: string): Promise<string>;
  /** The plaintext of a stored secret. A value without the `enc1:` prefix predates encryption and is returned as is. */
  decrypt(org: string, stored: string): Promise<string>;
  /** Deletes the organization's data key: its stored secrets can never be decrypted again. */
  forgetOrganization(org: string): Promise<void>;
}
