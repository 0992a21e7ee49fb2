/**
 * The two IAM policies the customer gives the role of an AWS destination (docs/destinations.md,
 * "The customer's side"): its trust policy (hookrelay's account may assume it, only with the
 * endpoint's external id) and its permission policy (the least its type needs on its target).
 * The endpoint view, and so the portal and the CLI, show what these return, and the JSON in
 * docs/destinations.md is checked against them (test/docs/destination-policies.unit.test.ts):
 * one source, so the text a customer copies never differs from the documented one.
 */
import type { AwsDestination, AwsEndpointType } from "./destination.js";

/** An IAM policy document (a type, not an interface: the view's JSON record type takes it). */
export type PolicyDocument = {
  Version: "2012-10-17";
  Statement: Record<string, unknown>[];
};

/**
 * The trust policy of the customer's role. Naming the account (not a role of it) keeps it
 * valid when hookrelay redeploys; inside that account only the delivery functions may assume
 * roles (infra/access.ts).
 */
export function trustPolicy(
  externalId: string,
  accountId: string | undefined,
  partition: string,
): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${accountId ?? "<hookrelay account id>"}:root` },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "sts:ExternalId": externalId } },
      },
    ],
  };
}

/** What each type does on its target: one action (KMS actions are the customer's to add). */
const ACTION: Record<AwsEndpointType, string> = {
  aws_sqs: "sqs:SendMessage",
  aws_sns: "sns:Publish",
  aws_eventbridge: "events:PutEvents",
  aws_s3: "s3:PutObject",
};

/** The permission policy of the customer's role: its type's one action on its target only. */
export function permissionPolicy(
  type: AwsEndpointType,
  dest: Pick<AwsDestination, "target" | "prefix">,
  partition: string,
): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ACTION[type], Resource: targetArn(type, dest, partition) }],
  };
}

/** The ARN a policy names the target by (a queue is given by its URL, a bucket by its name). */
function targetArn(
  type: AwsEndpointType,
  dest: Pick<AwsDestination, "target" | "prefix">,
  partition: string,
) {
  if (type === "aws_s3") return `arn:${partition}:s3:::${dest.target}/${dest.prefix ?? ""}*`;
  if (type !== "aws_sqs") return dest.target;
  // https://sqs.<region>.<domain>/<account>/<name>, checked at creation (core/endpoints/aws-rules.ts).
  const [, host = "", account = "", name = ""] = /^https:\/\/([^/]+)\/(\d+)\/(.+)$/.exec(dest.target) ?? [];
  const region = host.split(".")[1] ?? "";
  return `arn:${partition}:sqs:${region}:${account}:${name}`;
}

/** The text to paste: what the portal copies and the docs show. */
export const policyText = (doc: PolicyDocument) => JSON.stringify(doc, null, 2);
