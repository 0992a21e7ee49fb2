/**
 * Where an endpoint delivers: an HTTPS URL (the default), or a resource in the customer's own
 * AWS account reached by assuming a role the customer grants (docs/destinations.md). The
 * endpoint record carries `type` and, for the AWS types, `aws`; nothing else of the endpoint
 * changes with the type (filters, retries, rate limit, breaker treat every type alike).
 *
 * `AWS_TYPES` is the one list of AWS types: the API's bodies, view and OpenAPI document
 * (core/api/schemas/endpoint-destinations.ts), the creation rules (core/endpoints/aws-rules.ts),
 * the IAM policies (../aws-policies.ts), the sender (core/delivery/aws/, whose sdk.ts adds each
 * type's SDK client and command), the portal and, through the OpenAPI document, the CLI derive
 * from it. Adding a type: docs/design.md, "Adding a destination type".
 */
import type { AwsTarget, AwsType, TypeField } from "./aws.js";
import { AWS_EVENTBRIDGE } from "./aws-eventbridge.js";
import { AWS_S3 } from "./aws-s3.js";
import { AWS_SNS } from "./aws-sns.js";
import { AWS_SQS } from "./aws-sqs.js";

export const AWS_TYPES = [AWS_SQS, AWS_SNS, AWS_EVENTBRIDGE, AWS_S3] as const;

type AwsTypes = (typeof AWS_TYPES)[number];
export type AwsEndpointType = AwsTypes["type"];
export type EndpointType = "https" | AwsEndpointType;

export const ENDPOINT_TYPES = ["https", ...AWS_TYPES.map((t) => t.type)] as ["https", ...AwsEndpointType[]];

export const isAwsType = (t: EndpointType | undefined): t is AwsEndpointType => !!t && t !== "https";

/** Every AWS type's body field names (`queue_url`, `bucket`, …). */
export type AwsFieldName = AwsTypes extends infer S
  ? S extends { fields: infer F }
    ? keyof F & string
    : never
  : never;

/** One type's body field names. */
export type AwsFieldOf<T extends AwsEndpointType> = keyof Extract<AwsTypes, { type: T }>["fields"] & string;

/** A type's module, as the generic code reads it. */
export const awsTypeOf = (type: AwsEndpointType): AwsType<AwsEndpointType, string, object, unknown> =>
  AWS_TYPES.find((t) => t.type === type)!;

/** The SDK command's input of a type (core/delivery/aws/sdk.ts checks its command takes it). */
export type AwsInputOf<T extends AwsEndpointType> = ReturnType<Extract<AwsTypes, { type: T }>["input"]>;

/** What an attempt to an AWS destination needs beyond the signed body (core/model/send.ts). */
export interface AwsSendTarget extends AwsTarget {
  type: AwsEndpointType;
}

/** What the portal's type picker says of each type. */
export const TYPE_LABELS: Record<EndpointType, string> = {
  https: "HTTPS: a POST to your endpoint",
  ...(Object.fromEntries(AWS_TYPES.map((t) => [t.type, t.label])) as Record<AwsEndpointType, string>),
};

/** Every AWS field once, in the list's order (a name two types share is one field). */
export const AWS_FIELDS = [
  ...new Map(AWS_TYPES.flatMap((t) => Object.entries(t.fields).map(([name, f]) => [name, f] as const))),
] as [AwsFieldName, TypeField][];

export {
  type AwsDestination,
  partitionOf,
  RefusedTarget,
  ROLE_FIELD,
  samePartition,
  type TypeField,
} from "./aws.js";
