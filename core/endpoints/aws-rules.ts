/**
 * The rules of an AWS destination (docs/destinations.md): the shape of the role ARN and of the
 * target (queue URL, topic ARN, bus ARN, bucket), every one in the deployment's partition (no
 * role or target in another partition, no queue URL on another host: the SDK is never pointed
 * anywhere but AWS's own endpoints), no role in hookrelay's own account, and the external id
 * hookrelay generates once. Each failure is a 400 `invalid_destination`.
 */
import { randomBytes } from "node:crypto";
import type { Config } from "../config/index.js";
import {
  type AwsDestination,
  type AwsEndpointType,
  dnsSuffixOf,
  partitionOf,
  REGION,
  ServiceError,
} from "../model/index.js";

/** What a caller gives for an AWS destination (the API's per-type fields). */
export interface AwsTargetInput {
  role_arn?: string;
  /** aws_sqs */
  queue_url?: string;
  /** aws_sns */
  topic_arn?: string;
  /** aws_eventbridge */
  event_bus_arn?: string;
  /** aws_s3 */
  bucket?: string;
  prefix?: string;
  region?: string;
}

type Rules = Pick<Config, "region" | "destinations">;

const invalid = (message: string) => new ServiceError(400, "invalid_destination", message);

const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;
const QUEUE_URL =
  /^https:\/\/sqs\.([a-z0-9-]+)\.(amazonaws\.com(?:\.cn)?)\/(\d{12})\/([\w-]{1,75}(?:\.fifo)?)$/;
const TOPIC_ARN = /^arn:(aws|aws-cn|aws-us-gov):sns:([a-z0-9-]+):(\d{12}):([\w-]{1,251}(?:\.fifo)?)$/;
const BUS_ARN = /^arn:(aws|aws-cn|aws-us-gov):events:([a-z0-9-]+):(\d{12}):event-bus\/([\w.\-/]{1,256})$/;
const BUCKET = /^(?!xn--)(?!.*\.\.)(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PREFIX = /^[\w!\-.*'()/=]{0,512}$/;

/** The field each AWS type names its target with. */
export const TARGET_FIELD: Record<AwsEndpointType, keyof AwsTargetInput> = {
  aws_sqs: "queue_url",
  aws_sns: "topic_arn",
  aws_eventbridge: "event_bus_arn",
  aws_s3: "bucket",
};

/** A new external id: what the customer's trust policy requires of every AssumeRole. Not a secret. */
export const newExternalId = () => `hookrelay-${randomBytes(16).toString("hex")}`;

/** The checked destination of an AWS endpoint, keeping `current`'s external id (stable). */
export function checkAwsDestination(
  rules: Rules,
  type: AwsEndpointType,
  input: AwsTargetInput,
  current?: AwsDestination,
): { aws: AwsDestination; url: string } {
  refuseOtherTypesFields(type, input);
  const roleArn = input.role_arn ?? current?.role_arn;
  if (!roleArn) throw invalid(`role_arn is required for ${type}`);
  checkRole(rules, roleArn);
  const given = input[TARGET_FIELD[type]];
  const target = targetOf(rules, type, { ...input, [TARGET_FIELD[type]]: given ?? current?.target }, current);
  return {
    aws: {
      role_arn: roleArn,
      external_id: current?.external_id ?? newExternalId(),
      ...target.fields,
    },
    url: target.url,
  };
}

function refuseOtherTypesFields(type: AwsEndpointType, input: AwsTargetInput) {
  const own = new Set<string>([
    TARGET_FIELD[type],
    "role_arn",
    ...(type === "aws_s3" ? ["prefix", "region"] : []),
  ]);
  const foreign = Object.entries(input).filter(([k, v]) => v !== undefined && !own.has(k));
  if (foreign.length > 0) throw invalid(`${foreign.map(([k]) => k).join(", ")} do not apply to ${type}`);
}

function checkRole(rules: Rules, roleArn: string) {
  const m = ROLE_ARN.exec(roleArn);
  if (!m) throw invalid("role_arn must be an IAM role ARN: arn:aws:iam::<12-digit account>:role/<name>");
  samePartition(rules, m[1]!, "role_arn");
  // A role of hookrelay's own account would act with this deployment's own trust: refused.
  if (rules.destinations.accountId && m[2] === rules.destinations.accountId) {
    throw invalid("role_arn must be a role of your account, not of the account hookrelay runs in");
  }
}

function samePartition(rules: Rules, partition: string, field: string) {
  if (partition !== rules.destinations.partition) {
    throw invalid(
      `${field} is in partition ${partition}; this deployment runs in ${rules.destinations.partition}`,
    );
  }
}

function region(rules: Rules, r: string, field: string): string {
  if (!REGION.test(r)) throw invalid(`${field}: ${r} is not a region name`);
  samePartition(rules, partitionOf(r), field);
  return r;
}

type Target = { fields: Pick<AwsDestination, "target" | "region" | "prefix">; url: string };

function targetOf(
  rules: Rules,
  type: AwsEndpointType,
  input: AwsTargetInput,
  current?: AwsDestination,
): Target {
  const field = TARGET_FIELD[type];
  const value = input[field];
  if (!value) throw invalid(`${field} is required for ${type}`);
  if (type === "aws_s3") return bucketOf(rules, value, input, current);
  const shape = { aws_sqs: QUEUE_URL, aws_sns: TOPIC_ARN, aws_eventbridge: BUS_ARN }[type];
  const m = shape.exec(value);
  if (!m) throw invalid(`${field} is not a valid ${examples[type]}`);
  if (type === "aws_sqs") {
    // The host is implied by the region: its DNS suffix must be the region's partition's.
    const r = region(rules, m[1]!, field);
    if (m[2] !== dnsSuffixOf(partitionOf(r))) throw invalid(`${field}: ${m[2]} is not ${r}'s domain`);
    return { fields: { target: value, region: r }, url: value };
  }
  samePartition(rules, m[1]!, field);
  return { fields: { target: value, region: region(rules, m[2]!, field) }, url: value };
}

function bucketOf(rules: Rules, bucket: string, input: AwsTargetInput, current?: AwsDestination): Target {
  if (!BUCKET.test(bucket)) throw invalid("bucket is not a valid S3 bucket name");
  const prefix = input.prefix ?? current?.prefix ?? "";
  if (!PREFIX.test(prefix) || prefix.startsWith("/")) {
    throw invalid("prefix: at most 512 of letters, digits and !-_.*'()/= , not starting with /");
  }
  const r = region(rules, input.region ?? current?.region ?? rules.region, "region");
  return { fields: { target: bucket, prefix, region: r }, url: `s3://${bucket}/${prefix}` };
}

const examples: Record<Exclude<AwsEndpointType, "aws_s3">, string> = {
  aws_sqs: "queue URL: https://sqs.<region>.amazonaws.com/<account>/<queue>",
  aws_sns: "topic ARN: arn:aws:sns:<region>:<account>:<topic>",
  aws_eventbridge: "event bus ARN: arn:aws:events:<region>:<account>:event-bus/<name>",
};
