/**
 * One attempt to an AWS destination: assume the endpoint's role (cached, credentials.ts), send
 * the envelope with the type's SDK command (sdk.ts) on the input its module makes
 * (core/model/destinations/), describe what happened as a `SendOutcome` (errors.ts). Never throws.
 * On the local stack no role is assumed: the emulator accepts any credentials, and the attempt
 * log says the role was recorded, not enforced.
 */
import {
  type AwsSendTarget,
  awsTypeOf,
  failureMessage,
  type SendFailure,
  type SendOutcome,
  type SendRequest,
} from "../../model/index.js";
import { clientCache } from "./clients.js";
import { credentialCache } from "./credentials.js";
import { classifyAwsError } from "./errors.js";
import type { AssumedCredentials, AwsClientOptions } from "./options.js";
import { SDK } from "./sdk.js";

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
      const type = awsTypeOf(target.type);
      const bytes = Buffer.byteLength(req.body);
      if (bytes > type.maxBytes)
        return outcome({ kind: "too-large", bytes, limit: type.maxBytes }, null, null);
      try {
        await credentials(target);
      } catch (err) {
        const what = `hookrelay could not assume ${target.role_arn} with its external id`;
        return outcome(classifyAwsError(err, what), statusOf(err), null);
      }
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(), req.timeoutMs);
      try {
        const input = type.input(target, { body: req.body, headers: req.headers });
        const command = new SDK[target.type].Command(input as never);
        const output = await clientOf(target).send(command, { abortSignal: deadline.signal });
        const receipt = type.receipt(output, input);
        const role = local
          ? `role ${target.role_arn} recorded, not assumed (local stack)`
          : `as ${target.role_arn}`;
        return outcome(null, 200, `${receipt}; ${role}`);
      } catch (err) {
        if (deadline.signal.aborted) return outcome({ kind: "timeout", afterMs: req.timeoutMs }, null, null);
        return outcome(classifyAwsError(err, `${type.verb} ${target.target}`), statusOf(err), null);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

const statusOf = (err: unknown) =>
  (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode ?? null;
