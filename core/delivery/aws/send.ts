/**
 * One attempt to an AWS destination: assume the endpoint's role (cached, credentials.ts), put
 * the envelope (put.ts), describe what happened as a `SendOutcome` (errors.ts). Never throws.
 * On the local stack no role is assumed: the emulator accepts any credentials, and the attempt
 * log says the role was recorded, not enforced.
 */
import {
  type AwsSendTarget,
  failureMessage,
  type SendFailure,
  type SendOutcome,
  type SendRequest,
} from "../../model/index.js";
import { clientCache } from "./clients.js";
import { credentialCache } from "./credentials.js";
import { classifyAwsError } from "./errors.js";
import type { AssumedCredentials, AwsClientOptions } from "./options.js";
import { MAX_BYTES, put } from "./put.js";

const LOCAL: AssumedCredentials = {
  accessKeyId: "local",
  secretAccessKey: "local",
  expiration: new Date(8_640_000_000_000_000),
};

export interface AwsSender {
  send(req: SendRequest): Promise<SendOutcome>;
  /** STS AssumeRole calls made by this process (0 on the local stack). */
  readonly assumed: number;
}

export function awsSender(options: AwsClientOptions): AwsSender {
  const sessions = credentialCache(options);
  const local = options.emulatorEndpoint !== undefined;
  const credentials = (t: AwsSendTarget) => (local ? Promise.resolve(LOCAL) : sessions.get(t));
  const clientOf = clientCache(options, credentials);
  return {
    get assumed() {
      return sessions.assumed;
    },
    async send(req) {
      const started = options.now().getTime();
      const outcome = (failure: SendFailure | null, status: number | null, responseBody: string | null) => ({
        ok: failure === null,
        status,
        latencyMs: Math.max(0, options.now().getTime() - started),
        responseBody,
        failure,
        error: failure && failureMessage(failure),
        retryAfterSeconds: null,
      });
      const target = req.aws;
      if (!target) return outcome({ kind: "other", message: "no AWS target" }, null, null);
      const bytes = Buffer.byteLength(req.body);
      if (bytes > MAX_BYTES[target.type]) {
        return outcome({ kind: "too-large", bytes, limit: MAX_BYTES[target.type] }, null, null);
      }
      try {
        await credentials(target);
      } catch (err) {
        const what = `hookrelay could not assume ${target.role_arn} with its external id`;
        return outcome(classifyAwsError(err, what), statusOf(err), null);
      }
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(), req.timeoutMs);
      try {
        const receipt = await put(clientOf(target), target, {
          body: req.body,
          headers: req.headers,
          signal: deadline.signal,
        });
        const role = local
          ? `role ${target.role_arn} recorded, not assumed (local stack)`
          : `as ${target.role_arn}`;
        return outcome(null, 200, `${receipt}; ${role}`);
      } catch (err) {
        if (deadline.signal.aborted) return outcome({ kind: "timeout", afterMs: req.timeoutMs }, null, null);
        return outcome(classifyAwsError(err, `${verbOf(target)} ${target.target}`), statusOf(err), null);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

const statusOf = (err: unknown) =>
  (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode ?? null;

function verbOf(target: AwsSendTarget): string {
  switch (target.type) {
    case "aws_sqs":
      return "SendMessage to";
    case "aws_sns":
      return "Publish to";
    case "aws_eventbridge":
      return "PutEvents on";
    case "aws_s3":
      return "PutObject into";
  }
}
