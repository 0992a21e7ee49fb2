/**
 * aws_sns: each event is one message published to the customer's topic (standard or FIFO), the
 * envelope its message and the signature headers its attributes (docs/destinations.md).
 */
import { arnTarget, awsType, fifoFields, signatureAttributes } from "./aws.js";

const TOPIC_ARN = /^arn:(aws|aws-cn|aws-us-gov):sns:([a-z0-9-]+):(\d{12}):([\w-]{1,251}(?:\.fifo)?)$/;
const topic = arnTarget("topic_arn", TOPIC_ARN, "topic ARN: arn:aws:sns:<region>:<account>:<topic>");

export const AWS_SNS = awsType({
  type: "aws_sns",
  label: "Amazon SNS topic",
  schemaName: "CreateSnsEndpoint",
  fields: {
    topic_arn: {
      min: 1,
      max: 2048,
      example: "arn:aws:sns:us-east-1:123456789012:webhooks",
      view: "the topic",
      label: "Topic ARN",
      hint: "A standard or .fifo topic in your account.",
      placeholder: "arn:aws:sns:us-east-1:123456789012:webhooks",
    },
  },
  targetField: "topic_arn",
  check: (value, _given, _current, deployment) => topic(value, deployment),
  action: "sns:Publish",
  resource: (dest) => dest.target,
  maxBytes: 262_144,
  verb: "Publish to",
  input: (target, { body, headers }) => ({
    TopicArn: target.target,
    Message: body,
    MessageAttributes: signatureAttributes(headers),
    ...fifoFields(target, headers),
  }),
  receipt: (res: { MessageId?: string }) => `MessageId ${res.MessageId ?? "?"}`,
});
