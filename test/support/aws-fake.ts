/**
 * A fake AWS transport: the SDK clients' `requestHandler`, which records every request the
 * real SDK serialized (signed, with its real protocol) and answers what the test says, in
 * each service's own wire format. The one place mocks are allowed for AWS destinations: there
 * is no local STS, SNS-with-IAM, EventBridge or S3 that can refuse on demand
 * (docs/destinations.md, "Tests").
 */
import { createHash } from "node:crypto";
import { Readable } from "node:stream";

export type AwsService = "sts" | "sqs" | "sns" | "events" | "s3";

export interface FakeRequest {
  service: AwsService;
  /** `AssumeRole`, `SendMessage`, `Publish`, `PutEvents`, `PutObject`. */
  action: string;
  host: string;
  path: string;
  headers: Record<string, string>;
  /** The body as sent (query string, JSON or the object's bytes). */
  body: string;
  /** The parsed body: form fields (query protocol) or JSON. */
  input: Record<string, unknown>;
}

/** An answer: a status and an error code (in the service's error format), or nothing for success. */
export interface FakeAnswer {
  status?: number;
  error?: string;
  message?: string;
  /** Seconds the assumed credentials last (STS), from the fake clock. */
  expiresInSeconds?: number;
}

export function fakeAws(
  answer: (req: FakeRequest) => FakeAnswer | undefined = () => undefined,
  now = () => new Date(),
) {
  const requests: FakeRequest[] = [];
  const requestHandler = {
    async handle(request: {
      hostname: string;
      path: string;
      method: string;
      headers: Record<string, string>;
      body?: unknown;
    }) {
      const body = await text(request.body);
      const req = describe(request, body);
      requests.push(req);
      const a = answer(req) ?? {};
      return { response: respond(req, a, now) };
    },
  };
  return { requestHandler, requests, of: (s: AwsService) => requests.filter((r) => r.service === s) };
}

async function text(body: unknown): Promise<string> {
  if (body === undefined || body === null) return "";
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString("utf8");
  const chunks: Buffer[] = [];
  for await (const c of body as AsyncIterable<Buffer | string>) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks).toString("utf8");
}

function describe(
  request: { hostname: string; path: string; method: string; headers: Record<string, string> },
  body: string,
): FakeRequest {
  const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const target = headers["x-amz-target"];
  const base = { host: request.hostname, path: request.path, headers, body };
  if (target) {
    const [prefix, action] = target.split(".");
    const service: AwsService = prefix === "AmazonSQS" ? "sqs" : "events";
    return { ...base, service, action: action!, input: JSON.parse(body || "{}") };
  }
  if (request.method === "PUT") return { ...base, service: "s3", action: "PutObject", input: {} };
  const form = Object.fromEntries(new URLSearchParams(body));
  const service: AwsService = request.hostname.startsWith("sts") ? "sts" : "sns";
  return { ...base, service, action: form.Action ?? "?", input: form };
}

interface Wire {
  statusCode: number;
  headers: Record<string, string>;
  body: Readable;
}

const wire = (statusCode: number, body: string, headers: Record<string, string> = {}): Wire => ({
  statusCode,
  headers: { "content-length": String(Buffer.byteLength(body)), ...headers },
  body: Readable.from([Buffer.from(body)]),
});

function respond(req: FakeRequest, a: FakeAnswer, now: () => Date): Wire {
  if (a.error) return errorOf(req, a.status ?? 400, a.error, a.message ?? a.error);
  if (a.status && a.status >= 300) return errorOf(req, a.status, "InternalFailure", "internal failure");
  switch (req.service) {
    case "sts": {
      const exp = new Date(now().getTime() + (a.expiresInSeconds ?? 3600) * 1000).toISOString();
      return wire(
        200,
        `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>ASIAFAKE</AccessKeyId><SecretAccessKey>fake-secret</SecretAccessKey><SessionToken>fake-token</SessionToken><Expiration>${exp}</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn><AssumedRoleId>AROAFAKE:s</AssumedRoleId></AssumedRoleUser></AssumeRoleResult></AssumeRoleResponse>`,
        { "content-type": "text/xml" },
      );
    }
    case "sqs": {
      const md5 = createHash("md5")
        .update(String(req.input.MessageBody ?? ""))
        .digest("hex");
      return wire(200, JSON.stringify({ MessageId: "m-1", MD5OfMessageBody: md5 }), {
        "content-type": "application/x-amz-json-1.0",
      });
    }
    case "sns":
      return wire(
        200,
        `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>sns-1</MessageId></PublishResult></PublishResponse>`,
        { "content-type": "text/xml" },
      );
    case "events":
      return wire(200, JSON.stringify({ FailedEntryCount: 0, Entries: [{ EventId: "ev-1" }] }), {
        "content-type": "application/x-amz-json-1.1",
      });
    case "s3":
      return wire(200, "", { etag: '"etag-1"' });
  }
}

function errorOf(req: FakeRequest, status: number, code: string, message: string): Wire {
  switch (req.service) {
    case "sqs":
      return wire(status, JSON.stringify({ __type: `com.amazonaws.sqs#${code}`, message }), {
        "content-type": "application/x-amz-json-1.0",
      });
    case "events":
      return wire(status, JSON.stringify({ __type: code, message }), {
        "content-type": "application/x-amz-json-1.1",
      });
    case "s3":
      return wire(
        status,
        `<?xml version="1.0"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
        {
          "content-type": "application/xml",
        },
      );
    default:
      return wire(
        status,
        `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
        { "content-type": "text/xml" },
      );
  }
}
