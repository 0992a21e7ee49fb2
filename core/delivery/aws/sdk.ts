/**
 * Each AWS destination type's SDK client and command: the one line per type core/model cannot
 * hold, since it imports no SDK (the type's module there, core/model/destinations/, makes the
 * command's input). A type of the list without its line here does not compile, and neither
 * does a command that does not take the input its module makes.
 */
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { AwsEndpointType, AwsInputOf } from "../../model/index.js";

/** Any SDK client, as the sender calls it. */
export interface AwsClient {
  send(command: unknown, options: { abortSignal: AbortSignal }): Promise<unknown>;
}

export interface SdkLine {
  Client: new (config: object) => AwsClient;
  Command: new (input: never) => unknown;
  /** What the type's client needs beyond the common configuration (clients.ts). */
  config: object;
}

type Ctor = new (input: never) => unknown;

/** A line, checked: `Command` takes what the type's module makes. */
const line = <T extends AwsEndpointType, C extends Ctor>(
  _type: T,
  Client: new (config: object) => AwsClient,
  Command: C & (AwsInputOf<T> extends ConstructorParameters<C>[0] ? unknown : never),
  config: object = {},
): SdkLine => ({ Client, Command, config });

export const SDK: Record<AwsEndpointType, SdkLine> = {
  // SQS would otherwise send to the host of the queue URL it is given.
  aws_sqs: line("aws_sqs", SQSClient, SendMessageCommand, { useQueueUrlAsEndpoint: false }),
  aws_sns: line("aws_sns", SNSClient, PublishCommand),
  aws_eventbridge: line("aws_eventbridge", EventBridgeClient, PutEventsCommand),
  aws_s3: line("aws_s3", S3Client, PutObjectCommand),
};
