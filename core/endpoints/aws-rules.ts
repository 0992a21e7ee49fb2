/**
 * The rules of an AWS destination (docs/destinations.md): the role ARN's shape, in the
 * deployment's partition and not of hookrelay's own account; the type's own fields only, its
 * target present; the target's shape and region by its type's rule (`check` in its module,
 * core/model/destinations/: every target in the deployment's partition, no queue URL on another
 * host, so the SDK is never pointed anywhere but AWS's own endpoints); and the external id
 * hookrelay generates once. Each failure is a 400 `invalid_destination`.
 */
import { randomBytes } from "node:crypto";
import type { Config } from "../config/index.js";
import {
  type AwsDestination,
  type AwsEndpointType,
  type AwsFieldName,
  awsTypeOf,
  RefusedTarget,
  ServiceError,
  samePartition,
} from "../model/index.js";

/** What a caller gives for an AWS destination (the API's per-type fields, core/model/destinations/). */
export type AwsTargetInput = { role_arn?: string } & { [F in AwsFieldName]?: string };

type Rules = Pick<Config, "region" | "destinations">;

const invalid = (message: string) => new ServiceError(400, "invalid_destination", message);

const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;

/** A new external id: what the customer's trust policy requires of every AssumeRole. Not a secret. */
export const newExternalId = () => `hookrelay-${randomBytes(16).toString("hex")}`;

/** The checked destination of an AWS endpoint, keeping `current`'s external id (stable). */
export function checkAwsDestination(
  rules: Rules,
  type: AwsEndpointType,
  input: AwsTargetInput,
  current?: AwsDestination,
): { aws: AwsDestination; url: string } {
  try {
    const spec = awsTypeOf(type);
    const foreign = Object.entries(input).filter(
      ([k, v]) => v !== undefined && k !== "role_arn" && !(k in spec.fields),
    );
    if (foreign.length > 0) throw invalid(`${foreign.map(([k]) => k).join(", ")} do not apply to ${type}`);
    const deployment = { region: rules.region, partition: rules.destinations.partition };
    const roleArn = input.role_arn ?? current?.role_arn;
    if (!roleArn) throw invalid(`role_arn is required for ${type}`);
    checkRole(rules, roleArn);
    const value = input[spec.targetField as AwsFieldName] ?? current?.target;
    if (!value) throw invalid(`${spec.targetField} is required for ${type}`);
    const target = spec.check(value, input, current, deployment);
    return {
      aws: { role_arn: roleArn, external_id: current?.external_id ?? newExternalId(), ...target.fields },
      url: target.url,
    };
  } catch (err) {
    throw err instanceof RefusedTarget ? invalid(err.message) : err;
  }
}

function checkRole(rules: Rules, roleArn: string) {
  const m = ROLE_ARN.exec(roleArn);
  if (!m) throw invalid("role_arn must be an IAM role ARN: arn:aws:iam::<12-digit account>:role/<name>");
  samePartition({ region: rules.region, partition: rules.destinations.partition }, m[1]!, "role_arn");
  // A role of hookrelay's own account would act with this deployment's own trust: refused.
  if (rules.destinations.accountId && m[2] === rules.destinations.accountId) {
    throw invalid("role_arn must be a role of your account, not of the account hookrelay runs in");
  }
}
