/**
 * aws_sqs: each event is one message on the customer's queue (standard or FIFO), the envelope
 * its body and the signature headers its attributes (docs/destinations.md).
 */
import {
  awsType,
  dnsSuffixOf,
  fifoFields,
  partitionOf,
  RefusedTarget,
  regionIn,
  signatureAttributes,
} from "./aws.js";

const QUEUE_URL =
  /^https:\/\/sqs\.([a-z0-9-]+)\.(amazonaws\.com(?:\.cn)?)\/(\d{12})\/([\w-]{1,75}(?:\.fifo)?)$/;

export const AWS_SQS = awsType({
  type: "aws_sqs",
  label: "Amazon SQS queue",
  schemaName: "CreateSqsEndpoint",
  fields: {
    queue_url: {
      min: 1,
      max: 2048,
      description: "The queue's URL (standard or .fifo), in this deployment's partition",
      example: "https://sqs.us-east-1.amazonaws.com/123456789012/webhooks",
      view: "the queue",
      // "URL" names the HTTPS field alone (a label that contains it would match it too).
      label: "Queue",
      hint: "Its https://sqs… address: a standard or .fifo queue in your account.",
      placeholder: "https://sqs.us-east-1.amazonaws.com/123456789012/webhooks",
    },
  },
  targetField: "queue_url",
  check(value, _given, _current, deployment) {
    const m = QUEUE_URL.exec(value);
    if (!m) {
      throw new RefusedTarget(
        "queue_url is not a valid queue URL: https://sqs.<region>.amazonaws.com/<account>/<queue>",
      );
    }
    // The host is implied by the region: its DNS suffix must be the region's partition's.
    const r = regionIn(deployment, m[1]!, "queue_url");
    if (m[2] !== dnsSuffixOf(partitionOf(r)))
      throw new RefusedTarget(`queue_url: ${m[2]} is not ${r}'s domain`);
    return { fields: { target: value, region: r }, url: value };
  },
  action: "sqs:SendMessage",
  resource(dest, partition) {
    // https://sqs.<region>.<domain>/<account>/<name>, checked at creation.
    const [, host = "", account = "", name = ""] = /^https:\/\/([^/]+)\/(\d+)\/(.+)$/.exec(dest.target) ?? [];
    return `arn:${partition}:sqs:${host.split(".")[1] ?? ""}:${account}:${name}`;
  },
  // 1 MiB since 2025.
  maxBytes: 1_048_576,
  verb: "SendMessage to",
  input: (target, { body, headers }) => ({
    QueueUrl: target.target,
    MessageBody: body,
    MessageAttributes: signatureAttributes(headers),
    ...fifoFields(target, headers),
  }),
  receipt: (res: { MessageId?: string }) => `MessageId ${res.MessageId ?? "?"}`,
});
