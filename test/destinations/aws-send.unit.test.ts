/**
 * The AWS destination adapter against the real SDK clients on a fake transport
 * (test/support/aws-fake.ts): what each type sends, the role assumed once per endpoint and
 * again shortly before the credentials expire, and how AWS's answers map onto SendFailure.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { awsSender } from "../../core/delivery/aws/send.js";
import type { AwsEndpointType, AwsSendTarget, SendRequest } from "../../core/model/index.js";
import { type FakeAnswer, type FakeRequest, fakeAws } from "../support/aws-fake.js";

// The deliver function's own credentials, which call STS (on Lambda: its role's).
beforeAll(() => {
  vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDDELIVER");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "deliver-secret");
});

const body = JSON.stringify({
  id: "msg_1",
  type: "voice.call.ended",
  timestamp: "2026-01-01T00:00:00.000Z",
  data: {},
});
const headers = {
  "webhook-id": "msg_1",
  "webhook-timestamp": "1767225600",
  "webhook-signature": "v1,c2lnbmF0dXJl",
  "content-type": "application/json",
};

const targets: Record<AwsEndpointType, Pick<AwsSendTarget, "target" | "region" | "prefix">> = {
  aws_sqs: { target: "https://sqs.eu-west-1.amazonaws.com/123456789012/hooks", region: "eu-west-1" },
  aws_sns: { target: "arn:aws:sns:eu-west-1:123456789012:hooks", region: "eu-west-1" },
  aws_eventbridge: { target: "arn:aws:events:eu-west-1:123456789012:event-bus/hooks", region: "eu-west-1" },
  aws_s3: { target: "acme-hooks", region: "eu-west-1", prefix: "in/" },
};

function request(type: AwsEndpointType, over: Partial<AwsSendTarget> = {}): SendRequest {
  return {
    url: targets[type].target,
    body,
    headers,
    timeoutMs: 5000,
    allowPrivateTargets: false,
    aws: {
      type,
      ...targets[type],
      role_arn: "arn:aws:iam::123456789012:role/hookrelay",
      external_id: "hookrelay-abc",
      endpoint_id: "ep_1",
      event_type: "voice.call.ended",
      ...over,
    },
  };
}

function setup(answer?: (r: FakeRequest) => FakeAnswer | undefined) {
  let clock = Date.parse("2026-01-01T00:00:00Z");
  const now = () => new Date(clock);
  const fake = fakeAws(answer, now);
  const sender = awsSender({ region: "us-east-1", now, requestHandler: fake.requestHandler });
  return { fake, sender, advance: (ms: number) => (clock += ms) };
}

describe("AWS destinations, each type", () => {
  it("aws_sqs: the envelope as the body, the signature headers as message attributes, under the assumed role", async () => {
    const { fake, sender } = setup();
    const out = await sender.send(request("aws_sqs"));
    expect(out).toMatchObject({ ok: true, status: 200, failure: null });
    const [sts] = fake.of("sts");
    expect(sts!.input).toMatchObject({
      Action: "AssumeRole",
      RoleArn: "arn:aws:iam::123456789012:role/hookrelay",
      ExternalId: "hookrelay-abc",
      RoleSessionName: "hookrelay-ep_1",
    });
    const [sqs] = fake.of("sqs");
    expect(sqs!.host).toBe("sqs.eu-west-1.amazonaws.com");
    expect(sqs!.input.QueueUrl).toBe(targets.aws_sqs.target);
    expect(sqs!.input.MessageBody).toBe(body);
    expect(sqs!.input.MessageAttributes).toEqual({
      "webhook-id": { DataType: "String", StringValue: "msg_1" },
      "webhook-timestamp": { DataType: "String", StringValue: "1767225600" },
      "webhook-signature": { DataType: "String", StringValue: "v1,c2lnbmF0dXJl" },
    });
    // Signed with the assumed credentials, not the process's own.
    expect(sqs!.headers.authorization).toContain("Credential=ASIAFAKE/");
    expect(sqs!.headers["x-amz-security-token"]).toBe("fake-token");
  });

  it("aws_sqs FIFO: one message group per endpoint, deduplicated by the event id", async () => {
    const { fake, sender } = setup();
    const fifo = "https://sqs.eu-west-1.amazonaws.com/123456789012/hooks.fifo";
    await sender.send(request("aws_sqs", { target: fifo }));
    expect(fake.of("sqs")[0]!.input).toMatchObject({
      MessageGroupId: "ep_1",
      MessageDeduplicationId: "msg_1",
    });
  });

  it("aws_sns: Publish with the signature as message attributes", async () => {
    const { fake, sender } = setup();
    expect((await sender.send(request("aws_sns"))).ok).toBe(true);
    const [sns] = fake.of("sns");
    expect(sns!.host).toBe("sns.eu-west-1.amazonaws.com");
    expect(sns!.input).toMatchObject({
      Action: "Publish",
      TopicArn: targets.aws_sns.target,
      Message: body,
      "MessageAttributes.entry.3.Name": "webhook-signature",
      "MessageAttributes.entry.3.Value.StringValue": "v1,c2lnbmF0dXJl",
    });
  });

  it("aws_eventbridge: the envelope as detail, the event type as detail-type", async () => {
    const { fake, sender } = setup();
    expect((await sender.send(request("aws_eventbridge"))).ok).toBe(true);
    const entry = (fake.of("events")[0]!.input.Entries as Record<string, unknown>[])[0];
    expect(entry).toMatchObject({
      EventBusName: targets.aws_eventbridge.target,
      Source: "hookrelay",
      DetailType: "voice.call.ended",
      Detail: body,
    });
  });

  it("aws_s3: one object per event under the prefix, the signature as metadata", async () => {
    const { fake, sender } = setup();
    const out = await sender.send(request("aws_s3"));
    expect(out.ok).toBe(true);
    expect(out.responseBody).toContain("s3://acme-hooks/in/voice.call.ended/msg_1.json");
    const [s3] = fake.of("s3");
    expect(`${s3!.host}${s3!.path}`).toBe(
      "acme-hooks.s3.eu-west-1.amazonaws.com/in/voice.call.ended/msg_1.json",
    );
    expect(s3!.body).toBe(body);
    expect(s3!.headers["x-amz-meta-webhook-signature"]).toBe("v1,c2lnbmF0dXJl");
    expect(s3!.headers["x-amz-meta-webhook-id"]).toBe("msg_1");
  });
});

describe("assumed-role credentials", () => {
  it("are assumed once per endpoint and again only shortly before they expire", async () => {
    const { fake, sender, advance } = setup();
    await sender.send(request("aws_sqs"));
    await sender.send(request("aws_sqs"));
    await Promise.all([sender.send(request("aws_sqs")), sender.send(request("aws_sqs"))]);
    expect(fake.of("sts")).toHaveLength(1);
    // Another endpoint: its own role session.
    await sender.send(request("aws_sqs", { endpoint_id: "ep_2" }));
    expect(fake.of("sts")).toHaveLength(2);
    advance(54 * 60_000); // 6 minutes left of the hour: still used
    await sender.send(request("aws_sqs"));
    expect(fake.of("sts")).toHaveLength(2);
    advance(2 * 60_000); // 4 minutes left: renewed
    await sender.send(request("aws_sqs"));
    expect(fake.of("sts")).toHaveLength(3);
    expect(sender.assumed).toBe(3);
  });

  it("a refused assumption is asked again on the next attempt (the customer may have fixed the trust policy)", async () => {
    let refuse = true;
    const { fake, sender } = setup((r) =>
      r.service === "sts" && refuse
        ? { status: 403, error: "AccessDenied", message: "not authorized" }
        : undefined,
    );
    const first = await sender.send(request("aws_sqs"));
    expect(first.failure?.kind).toBe("access-denied");
    expect(first.error).toContain("hookrelay could not assume arn:aws:iam::123456789012:role/hookrelay");
    expect(fake.of("sqs")).toHaveLength(0);
    refuse = false;
    expect((await sender.send(request("aws_sqs"))).ok).toBe(true);
    expect(fake.of("sts")).toHaveLength(2);
  });
});

describe("AWS answers as send failures", () => {
  const cases: [string, AwsEndpointType, FakeAnswer, string][] = [
    ["SQS access denied", "aws_sqs", { status: 403, error: "AccessDenied" }, "access-denied"],
    ["SNS authorization error", "aws_sns", { status: 403, error: "AuthorizationError" }, "access-denied"],
    ["a deleted queue", "aws_sqs", { status: 400, error: "QueueDoesNotExist" }, "target-missing"],
    ["a deleted topic", "aws_sns", { status: 404, error: "NotFound" }, "target-missing"],
    [
      "a deleted bus",
      "aws_eventbridge",
      { status: 400, error: "ResourceNotFoundException" },
      "target-missing",
    ],
    ["a deleted bucket", "aws_s3", { status: 404, error: "NoSuchBucket" }, "target-missing"],
    ["SQS throttling", "aws_sqs", { status: 400, error: "ThrottlingException" }, "throttled"],
    ["S3 slow down", "aws_s3", { status: 503, error: "SlowDown" }, "throttled"],
    ["a 500", "aws_sns", { status: 500, error: "InternalError" }, "aws-error"],
  ];
  for (const [what, type, answer, kind] of cases) {
    it(`${what} → ${kind}`, async () => {
      const { sender } = setup((r) => (r.service === "sts" ? undefined : answer));
      const out = await sender.send(request(type));
      expect(out.ok).toBe(false);
      expect(out.failure?.kind).toBe(kind);
      expect(out.error).toBeTruthy();
    });
  }

  it("an EventBridge entry refused inside a 200 is a failure of its own kind", async () => {
    const { sender } = setup();
    const fake = fakeAws();
    const s = awsSender({
      region: "us-east-1",
      now: () => new Date(),
      requestHandler: {
        handle: async (req: Parameters<typeof fake.requestHandler.handle>[0]) => {
          if (!req.hostname.startsWith("events")) return fake.requestHandler.handle(req);
          const { Readable } = await import("node:stream");
          const text = JSON.stringify({
            FailedEntryCount: 1,
            Entries: [{ ErrorCode: "ThrottlingException", ErrorMessage: "slow down" }],
          });
          return {
            response: {
              statusCode: 200,
              headers: { "content-type": "application/x-amz-json-1.1" },
              body: Readable.from([Buffer.from(text)]),
            },
          };
        },
      } as never,
    });
    void sender;
    const out = await s.send(request("aws_eventbridge"));
    expect(out.failure?.kind).toBe("throttled");
  });

  it("an envelope over SNS's 256 KB is refused before any call", async () => {
    const { fake, sender } = setup();
    const big = { ...request("aws_sns"), body: "x".repeat(262_145) };
    const out = await sender.send(big);
    expect(out.failure).toEqual({ kind: "too-large", bytes: 262_145, limit: 262_144 });
    expect(fake.requests).toHaveLength(0);
  });
});
