/**
 * One delivery into each AWS destination type: the Standard Webhooks envelope (the body, byte
 * for byte what an HTTPS endpoint gets) with `webhook-id`, `webhook-timestamp` and
 * `webhook-signature` as the message's attributes (SQS, SNS) or the object's metadata (S3).
 * An EventBridge event has neither: its `detail` is the envelope, `detail-type` the event
 * type, and the bus's IAM (only the customer's role can put) stands for the signature
 * (docs/destinations.md). Each returns what AWS answered, for the attempt log.
 */
import { type EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { AwsEndpointType, AwsSendTarget } from "../../model/index.js";
import type { AwsClient } from "./clients.js";

/** The Standard Webhooks headers that travel as attributes or metadata. */
export const SIGNATURE_FIELDS = ["webhook-id", "webhook-timestamp", "webhook-signature"] as const;

/** The largest message each type accepts (SQS: 1 MiB since 2025; SNS and EventBridge: 256 KB). */
export const MAX_BYTES: Record<AwsEndpointType, number> = {
  aws_sqs: 1_048_576,
  aws_sns: 262_144,
  aws_eventbridge: 262_144,
  aws_s3: 5 * 1_073_741_824,
};

export interface Put {
  body: string;
  headers: Record<string, string>;
  signal: AbortSignal;
}

/** A thrown EventBridge entry error, shaped like an SDK exception for the classifier (errors.ts). */
export class EntryError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

const fifo = (target: AwsSendTarget) => target.target.endsWith(".fifo");

function attributes(headers: Record<string, string>) {
  const out: Record<string, { DataType: "String"; StringValue: string }> = {};
  for (const name of SIGNATURE_FIELDS) {
    const value = headers[name];
    if (value) out[name] = { DataType: "String", StringValue: value };
  }
  return out;
}

/** FIFO queues and topics: one message group per endpoint, deduplicated by the event id. */
function fifoFields(target: AwsSendTarget, headers: Record<string, string>) {
  if (!fifo(target)) return {};
  return { MessageGroupId: target.endpoint_id, MessageDeduplicationId: headers["webhook-id"] };
}

/** The object key of an event in an S3 destination: stable across retries (a retry overwrites). */
export function objectKey(target: AwsSendTarget, msgId: string): string {
  return `${target.prefix ?? ""}${target.event_type}/${msgId}.json`;
}

export async function put(client: AwsClient, target: AwsSendTarget, p: Put): Promise<string> {
  const opts = { abortSignal: p.signal };
  switch (target.type) {
    case "aws_sqs": {
      const input = {
        QueueUrl: target.target,
        MessageBody: p.body,
        MessageAttributes: attributes(p.headers),
        ...fifoFields(target, p.headers),
      };
      const res = await (client as SQSClient).send(new SendMessageCommand(input), opts);
      return `MessageId ${res.MessageId ?? "?"}`;
    }
    case "aws_sns": {
      const input = {
        TopicArn: target.target,
        Message: p.body,
        MessageAttributes: attributes(p.headers),
        ...fifoFields(target, p.headers),
      };
      const res = await (client as SNSClient).send(new PublishCommand(input), opts);
      return `MessageId ${res.MessageId ?? "?"}`;
    }
    case "aws_eventbridge":
      return putEvent(client, target, p);
    case "aws_s3": {
      const key = objectKey(target, p.headers["webhook-id"] ?? "event");
      const metadata = Object.fromEntries(SIGNATURE_FIELDS.map((n) => [n, p.headers[n] ?? ""]));
      const input = {
        Bucket: target.target,
        Key: key,
        Body: p.body,
        ContentType: "application/json",
        Metadata: metadata,
      };
      const res = await (client as S3Client).send(new PutObjectCommand(input), opts);
      return `s3://${target.target}/${key} ETag ${res.ETag ?? "?"}`;
    }
  }
}

async function putEvent(client: AwsClient, target: AwsSendTarget, p: Put): Promise<string> {
  const seconds = Number(p.headers["webhook-timestamp"]);
  const entry = {
    EventBusName: target.target,
    Source: "hookrelay",
    DetailType: target.event_type,
    Detail: p.body,
    ...(Number.isFinite(seconds) ? { Time: new Date(seconds * 1000) } : {}),
  };
  const res = await (client as EventBridgeClient).send(new PutEventsCommand({ Entries: [entry] }), {
    abortSignal: p.signal,
  });
  const first = res.Entries?.[0];
  // PutEvents answers 200 with the entry's own error: throttling, an internal error, access.
  if ((res.FailedEntryCount ?? 0) > 0 || first?.ErrorCode) {
    throw new EntryError(first?.ErrorCode ?? "InternalFailure", first?.ErrorMessage ?? "entry failed");
  }
  return `EventId ${first?.EventId ?? "?"}`;
}
