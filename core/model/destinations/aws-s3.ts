/**
 * aws_s3: each event is one object in the customer's bucket, `<prefix><event type>/<event
 * id>.json` (a retry overwrites it), the signature headers its metadata (docs/destinations.md).
 */
import { type AwsTarget, awsType, RefusedTarget, regionIn, SIGNATURE_FIELDS } from "./aws.js";

const BUCKET = /^(?!xn--)(?!.*\.\.)(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PREFIX = /^[\w!\-.*'()/=]{0,512}$/;

/** The object key of an event: stable across retries (a retry overwrites). */
export function objectKey(target: Pick<AwsTarget, "prefix" | "event_type">, msgId: string): string {
  return `${target.prefix ?? ""}${target.event_type}/${msgId}.json`;
}

export const AWS_S3 = awsType({
  type: "aws_s3",
  label: "Amazon S3 bucket",
  schemaName: "CreateS3Endpoint",
  fields: {
    bucket: {
      min: 3,
      max: 63,
      example: "acme-webhooks",
      view: "the bucket",
      label: "Bucket",
      hint: "Each event is written to <prefix><event type>/<event id>.json.",
      placeholder: "acme-webhooks",
    },
    prefix: {
      max: 512,
      optional: true,
      description: "Key prefix; each event is written to `<prefix><event type>/<event id>.json`",
      example: "hookrelay/",
      view: "the key prefix",
      label: "Key prefix",
      hint: "Optional.",
      placeholder: "hookrelay/",
    },
    region: {
      max: 32,
      optional: true,
      description: "The bucket's region (default: the deployment's)",
      example: "us-east-1",
      view: "the bucket's region",
      label: "Bucket region",
      hint: "Optional.",
      placeholder: "us-east-1 (default: the service's)",
    },
  },
  targetField: "bucket",
  check(bucket, given, current, deployment) {
    if (!BUCKET.test(bucket)) throw new RefusedTarget("bucket is not a valid S3 bucket name");
    const prefix = given.prefix ?? current?.prefix ?? "";
    if (!PREFIX.test(prefix) || prefix.startsWith("/")) {
      throw new RefusedTarget("prefix: at most 512 of letters, digits and !-_.*'()/= , not starting with /");
    }
    const r = regionIn(deployment, given.region ?? current?.region ?? deployment.region, "region");
    return { fields: { target: bucket, prefix, region: r }, url: `s3://${bucket}/${prefix}` };
  },
  view: (dest) => ({ bucket: dest.target, prefix: dest.prefix ?? "", region: dest.region }),
  action: "s3:PutObject",
  resource: (dest, partition) => `arn:${partition}:s3:::${dest.target}/${dest.prefix ?? ""}*`,
  maxBytes: 5 * 1_073_741_824,
  verb: "PutObject into",
  input: (target, { body, headers }) => ({
    Bucket: target.target,
    Key: objectKey(target, headers["webhook-id"] ?? "event"),
    Body: body,
    ContentType: "application/json",
    Metadata: Object.fromEntries(SIGNATURE_FIELDS.map((n) => [n, headers[n] ?? ""])),
  }),
  receipt: (res: { ETag?: string }, input) => `s3://${input.Bucket}/${input.Key} ETag ${res.ETag ?? "?"}`,
});
