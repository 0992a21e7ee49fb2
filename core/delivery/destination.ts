/**
 * The destination port's adapters (the port: core/model/send.ts): where an attempt goes. HTTP
 * (send.ts, through the SSRF guard) and the AWS destinations (aws/, by role assumption,
 * docs/destinations.md) in production, picked per request by `destinationByType`; the
 * in-memory one answers from a function and records what it was sent (fast tests and the
 * simulation). A new destination type implements `send`.
 */
import {
  type Destination,
  failureMessage,
  type SendFailure,
  type SendOutcome,
  type SendRequest,
} from "../model/index.js";
import type { AwsClientOptions } from "./aws/options.js";
import type { AwsSender } from "./aws/send.js";

/**
 * HTTP, loaded on the first attempt: only the delivery functions send, and the other bundles
 * (API, ingest, scheduled work) that the composition root also builds need not carry the
 * HTTP sender, the SSRF guard and ipaddr.js (about 20 KB each, docs/cost.md "Bundles").
 */
export const httpDestination: Destination = {
  send: async (req) => (await import("./send.js")).sendWebhook(req),
};

/**
 * AWS destinations (SQS, SNS, EventBridge, S3), loaded on the first attempt to one: only
 * endpoints of those types need the SDK clients of four services and STS.
 */
export function awsDestination(options: AwsClientOptions): Destination & { sender(): Promise<AwsSender> } {
  let sender: Promise<AwsSender> | undefined;
  const load = () => {
    sender ??= import("./aws/send.js").then((m) => m.awsSender(options));
    return sender;
  };
  return { sender: load, send: async (req) => (await load()).send(req) };
}

/** Each attempt to its type's adapter: an AWS target to `aws`, every other to `http`. */
export function destinationByType(http: Destination, aws: Destination): Destination {
  return { send: (req) => (req.aws ? aws.send(req) : http.send(req)) };
}

export interface MemoryDestination extends Destination {
  /** Every request made, in order. */
  requests: SendRequest[];
}

/** A 200 in no time, unless `respond` says otherwise (a `status`, or a transport `failure`) for a request. */
export function memoryDestination(
  respond: (req: SendRequest) => Partial<SendOutcome> | Promise<Partial<SendOutcome>> = () => ({}),
): MemoryDestination {
  const requests: SendRequest[] = [];
  return {
    requests,
    async send(req) {
      requests.push(req);
      const got = await respond(req);
      const status = got.failure ? null : (got.status ?? 200);
      const ok = status !== null && status >= 200 && status < 300;
      const failure: SendFailure | null = got.failure ?? (ok ? null : { kind: "status", status: status! });
      return {
        ok,
        status,
        latencyMs: got.latencyMs ?? 0,
        responseBody: got.responseBody ?? null,
        failure,
        error: failure && failureMessage(failure),
        retryAfterSeconds: got.retryAfterSeconds ?? null,
      };
    },
  };
}
