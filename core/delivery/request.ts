/**
 * The webhook request of one attempt (docs/design.md, "One event, from publish to receipt"): the task's body, the
 * Standard Webhooks headers signed for this attempt's timestamp, content-type, user-agent
 * and the endpoint's custom headers, which can never replace the protocol headers.
 */
import type { EndpointRecord } from "../model/endpoint.js";
import type { DeliveryTask } from "../model/task.js";
import { signingSecrets, webhookHeaders } from "../signing/sign.js";

/** Sent in `user-agent` as `{SERVICE_NAME}/{SERVICE_VERSION}`. */
export const SERVICE_VERSION = "0.1.0";

/** Headers a custom header may not set: the signature contract and HTTP framing. */
const RESERVED = new Set([
  "webhook-id",
  "webhook-timestamp",
  "webhook-signature",
  "content-type",
  "content-length",
  "transfer-encoding",
  "connection",
  "host",
  "user-agent",
]);

export function isReservedHeader(name: string): boolean {
  return RESERVED.has(name.toLowerCase());
}

export function requestHeaders(
  endpoint: Pick<EndpointRecord, "headers" | "secret" | "previous_secret" | "previous_secret_expires_at">,
  task: Pick<DeliveryTask, "msg_id" | "body">,
  now: Date,
  serviceName: string,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(endpoint.headers ?? {})) {
    if (!isReservedHeader(name)) headers[name.toLowerCase()] = value;
  }
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    ...headers,
    "content-type": "application/json",
    "user-agent": `${serviceName}/${SERVICE_VERSION}`,
    ...webhookHeaders(task.msg_id, timestamp, task.body, signingSecrets(endpoint, now)),
  };
}
