/** The SQS client, pointed at AWS or at the fauxqs emulator by configuration. */
import { SQSClient } from "@aws-sdk/client-sqs";
import { clientOptions } from "../config/aws.js";
import type { Config } from "../config/runtime.js";

export function createSqs(config: Config): SQSClient {
  return new SQSClient(clientOptions(config, config.endpoints.sqs));
}
