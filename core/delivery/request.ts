/**
 * The webhook request of one attempt (docs/design.md, "One event, from publish to receipt"): the task's body, the
 * Standard Webhooks headers signed for this attempt's timestamp, content-type, user-agent
 * and the endpoint's custom headers, which can never replace the protocol headers.
 */

import {
  type DeliveryTask,
  type EndpointRecord,
  type KeyFields,
  type MessageRecord,
  type PayloadState,
  webhookBody,
} from "../model/index.js";
import { isReservedHeader } from "../outbound/index.js";
import { signingSecrets, webhookHeaders } from "../signing/index.js";

/** Sent in `user-agent` as `{SERVICE_NAME}/{SERVICE_VERSION}`. */
export const SERVICE_VERSION = "0.1.0";

export function requestHeaders(
  endpoint: Pick<EndpointRecord, "headers"> & KeyFields,
  task: Pick<DeliveryTask, "msg_id" | "body">,
  now: Date,
  serviceName: string,
  /** This attempt's `traceparent`, sent when the endpoint's `send_traceparent` is on (not signed). */
  trace: { traceparent?: string } = {},
): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    ...unsignedHeaders(endpoint.headers, serviceName),
    ...(trace.traceparent !== undefined ? { traceparent: trace.traceparent } : {}),
    ...webhookHeaders(task.msg_id, timestamp, task.body, signingSecrets(endpoint, now)),
  };
}

/** Every header of the request but the three Standard Webhooks ones, in the order sent. */
export function unsignedHeaders(
  custom: Record<string, string> | undefined,
  serviceName: string,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(custom ?? {})) {
    if (!isReservedHeader(name)) headers[name.toLowerCase()] = value;
  }
  return {
    ...headers,
    "content-type": "application/json",
    "user-agent": `${serviceName}/${SERVICE_VERSION}`,
  };
}

/**
 * The request an attempt sent, rebuilt from the stored event and the endpoint: the body is
 * byte-for-byte what was sent (webhookBody sorts `data`'s keys, so a stored event serializes
 * as it did); the headers are too, except the signature, which is not stored (the delivery log
 * keeps one 1-unit item per attempt, docs/cost.md). `settings_changed_since`: the endpoint was
 * edited after the attempt, so its URL and custom headers then may have differed from these.
 */
export function sentRequest(
  endpoint: Pick<
    EndpointRecord,
    "url" | "headers" | "signing_version" | "previous_secret_expires_at" | "updated_at"
  >,
  message: Pick<MessageRecord, "id" | "type" | "created_at" | "agent_id" | "data">,
  attemptTimestamp: string,
  opts: { serviceName: string; secretGraceHours: number; payload?: PayloadState },
) {
  const at = Date.parse(attemptTimestamp);
  // The previous key signed too if the attempt fell within the last rotation's grace period.
  const expires = endpoint.previous_secret_expires_at ? Date.parse(endpoint.previous_secret_expires_at) : 0;
  const grace = at < expires && at >= expires - opts.secretGraceHours * 3_600_000;
  const signature = `${endpoint.signing_version},<not stored>`;
  return {
    method: "POST" as const,
    url: endpoint.url,
    headers: {
      ...unsignedHeaders(endpoint.headers, opts.serviceName),
      "webhook-id": message.id,
      "webhook-timestamp": String(Math.floor(at / 1000)),
      // During a rotation's grace period the previous key signed too.
      "webhook-signature": grace ? `${signature} <previous key's signature, not stored>` : signature,
    },
    // Nothing is rebuilt from a payload that expired or was erased (docs/data.md).
    body: (opts.payload ?? "available") === "available" ? webhookBody(message) : null,
    payload: opts.payload ?? "available",
    signature_stored: false as const,
    settings_changed_since: Date.parse(endpoint.updated_at) > at,
  };
}
