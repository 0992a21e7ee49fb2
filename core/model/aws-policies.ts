/**
 * The two IAM policies the customer gives the role of an AWS destination (docs/destinations.md,
 * "The customer's side"): its trust policy (hookrelay's account may assume it, only with the
 * endpoint's external id) and its permission policy (the least its type needs on its target).
 * The endpoint view, and so the portal and the CLI, show what these return, and the JSON in
 * docs/destinations.md is checked against them (test/docs/destination-policies.unit.test.ts):
 * one source, so the text a customer copies never differs from the documented one.
 */
import { type AwsDestination, type AwsEndpointType, awsTypeOf } from "./destinations/index.js";

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

/** The permission policy of the customer's role: its type's one action on its target only. */
export function permissionPolicy(
  type: AwsEndpointType,
  dest: Pick<AwsDestination, "target" | "prefix">,
  partition: string,
): PolicyDocument {
  // One action (KMS actions are the customer's to add) on the ARN the type names its target by.
  const t = awsTypeOf(type);
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: t.action, Resource: t.resource(dest, partition) }],
  };
}

/** The text to paste: what the portal copies and the docs show. */
export const policyText = (doc: PolicyDocument) => JSON.stringify(doc, null, 2);
