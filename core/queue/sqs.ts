/** The SQS client, pointed at AWS or at the fauxqs emulator by configuration. */
import { SQSClient } from "@aws-sdk/client-sqs";
import { type Config, clientOptions } from "../config/index.js";

export function createSqs(config: Config): SQSClient {
  return new SQSClient(clientOptions(config, config.endpoints.sqs));
}
