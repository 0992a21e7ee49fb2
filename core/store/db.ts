/** The DynamoDB document client, pointed at AWS or at DynamoDB Local by configuration. */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { clientOptions } from "../config/aws.js";
import type { Config } from "../config/runtime.js";

export interface Db {
  doc: DynamoDBDocumentClient;
  table: string;
}

export function createDb(config: Config): Db {
  const client = new DynamoDBClient(clientOptions(config, config.endpoints.dynamodb));
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return { doc, table: config.tableName };
}
