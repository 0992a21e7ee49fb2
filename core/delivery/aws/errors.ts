/**
 * What an AWS error means for the delivery policy (core/delivery/policy/decide.ts), as a typed
 * `SendFailure`: access refused fails fast, a deleted target disables the endpoint, throttling
 * and everything else (5xx, other 4xx) is retried like an HTTP failure. Matched on the SDK's
 * error names and HTTP status, never on message text.
 */
import type { SendFailure } from "../../model/index.js";

const ACCESS_DENIED = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "AuthorizationError",
  "AuthorizationErrorException",
  "KMS.AccessDeniedException",
  "KMSAccessDeniedException",
  "KMSAccessDenied",
  "InvalidClientTokenId",
  "NotAuthorizedForSourceException",
  "RegionDisabledException",
]);

const TARGET_MISSING = new Set([
  "QueueDoesNotExist",
  "AWS.SimpleQueueService.NonExistentQueue",
  "NonExistentQueue",
  "NotFound",
  "NotFoundException",
  "NoSuchBucket",
  "ResourceNotFoundException",
]);

const THROTTLED = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestThrottled",
  "RequestThrottledException",
  "TooManyRequestsException",
  "SlowDown",
  "RequestLimitExceeded",
  "KMS.ThrottlingException",
  "KMSThrottlingException",
]);

interface SdkError {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
}

/** The failure an SDK (or STS) error stands for; `what` names the call for the message. */
export function classifyAwsError(err: unknown, what: string): SendFailure {
  const e = (err ?? {}) as SdkError;
  const code = e.Code ?? e.code ?? e.name ?? "Error";
  const status = e.$metadata?.httpStatusCode ?? null;
  // Messages from AWS name the resource and the missing permission; they carry no secret.
  const message = `${what}: ${code}${e.message && e.message !== code ? ` (${e.message.slice(0, 300)})` : ""}`;
  if (ACCESS_DENIED.has(code) || status === 403) return { kind: "access-denied", message };
  if (TARGET_MISSING.has(code)) return { kind: "target-missing", message };
  if (THROTTLED.has(code) || e.$retryable?.throttling || status === 429)
    return { kind: "throttled", message };
  if (status === null && !e.$metadata) return { kind: "other", message: `${what}: ${e.message ?? code}` };
  return { kind: "aws-error", code, status, message: (e.message ?? code).slice(0, 300) };
}
