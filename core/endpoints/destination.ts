/**
 * Where an endpoint delivers, as create and update set it: an https URL (rules.ts) or an AWS
 * destination (aws-rules.ts), never both, and the type never changes after creation.
 */
import type { Config } from "../config/index.js";
import {
  type EndpointRecord,
  type EndpointType,
  isAwsType,
  type KeyMode,
  ServiceError,
  validationError,
} from "../model/index.js";
import { type AwsTargetInput, checkAwsDestination } from "./aws-rules.js";
import { checkUrl } from "./rules.js";

type Rules = Pick<Config, "region" | "destinations" | "allowHttpLocalhost" | "allowPrivateTargets">;

/** What create and update bodies say of where the endpoint delivers. */
interface DestinationInput {
  url?: string;
  type?: EndpointType;
  aws?: AwsTargetInput;
  headers?: Record<string, string>;
}

const awsOnly = () =>
  new ServiceError(400, "invalid_destination", "role_arn and AWS targets apply to the aws_* types only");

const given = (input: { aws?: object }) =>
  !!input.aws && Object.values(input.aws).some((v) => v !== undefined);

/** An https URL (checked) or an AWS destination (its display URL, type and target). */
export function destinationOf(config: Rules, input: DestinationInput, mode: KeyMode) {
  const type = input.type ?? "https";
  if (!isAwsType(type)) {
    if (given(input)) throw awsOnly();
    if (input.url === undefined) throw validationError("url is required");
    return { url: checkUrl(input.url, { ...config, mode }) };
  }
  if (input.url !== undefined) throw validationError(`url does not apply to ${type}: give its target`);
  if (Object.keys(input.headers ?? {}).length > 0)
    throw validationError(`headers apply to https endpoints only`);
  const { aws, url } = checkAwsDestination(config, type, input.aws ?? {});
  return { url, type, aws };
}

/** The URL, or the AWS destination, an update sets (the type itself never changes). */
export function updatedDestination(
  config: Rules,
  current: EndpointRecord,
  input: DestinationInput,
  mode: KeyMode,
): Partial<EndpointRecord> {
  const type = current.type ?? "https";
  if (input.type !== undefined && input.type !== type) {
    throw new ServiceError(400, "invalid_destination", `type cannot change (${type}): create a new endpoint`);
  }
  if (!isAwsType(type)) {
    if (given(input)) throw awsOnly();
    return input.url === undefined ? {} : { url: checkUrl(input.url, { ...config, mode }) };
  }
  if (input.url !== undefined) throw validationError(`url does not apply to ${type}: give its target`);
  if (Object.keys(input.headers ?? {}).length > 0)
    throw validationError("headers apply to https endpoints only");
  if (!given(input)) return {};
  return checkAwsDestination(config, type, input.aws!, current.aws);
}
