/**
 * AWS endpoints through the API and the production delivery path, in memory (core/compose.ts
 * createMemoryContext) with the real AWS destination adapter on a fake transport
 * (test/support/aws-fake.ts): creation and its checks (ARN shapes, partitions, the external
 * id), the view, and what each AWS answer does to a delivery (fail fast, disable, retry).
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { createMemoryContext } from "../../core/compose.js";
import {
  awsDestination,
  createDeliveryHandler,
  destinationByType,
  eventAttempts,
  memoryDestination,
} from "../../core/delivery/index.js";
import { createIngestHandler } from "../../core/events/index.js";
import { createTestOrg, type TestOrg } from "../support/api.js";
import { type FakeAnswer, type FakeRequest, fakeAws } from "../support/aws-fake.js";

beforeAll(() => {
  vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDDELIVER");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "deliver-secret");
});

const ROLE = "arn:aws:iam::123456789012:role/hookrelay-delivery";
const QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/webhooks";

function awsStack(answer?: (r: FakeRequest) => FakeAnswer | undefined) {
  let clock = Date.parse("2026-01-01T00:00:00Z");
  const now = () => new Date(clock);
  const fake = fakeAws(answer, now);
  const http = memoryDestination();
  const aws = awsDestination({ region: "us-east-1", now, requestHandler: fake.requestHandler });
  const ctx = createMemoryContext({
    now,
    destination: destinationByType(http, aws),
    env: { AWS_REGION: "us-east-1", HOOKRELAY_ACCOUNT_ID: "999999999999" },
  });
  const ingest = createIngestHandler(ctx.deps);
  const deliver = createDeliveryHandler(ctx.deps);
  // Operational events, by producer id, as they pass through the ingest queue.
  const operational = new Map<string, { type: string; data: Record<string, unknown> }>();
  const seeOperational = () => {
    for (const m of ctx.queue.messages("ingest")) {
      const body = JSON.parse(m.body);
      if (String(body.type).startsWith("hookrelay.")) operational.set(body.id, body);
    }
  };
  return {
    ...ctx,
    fake,
    http,
    operational: () => [...operational.values()],
    advance: (ms: number) => (clock += ms),
    org: () => createTestOrg({ env: {}, config: ctx.deps.config, deps: ctx.deps }),
    drain: async () => {
      do seeOperational();
      while ((await ctx.queue.invoke("ingest", ingest)) + (await ctx.queue.invoke("delivery", deliver)) > 0);
    },
  };
}

const sqsEndpoint = (over: Record<string, unknown> = {}) => ({
  type: "aws_sqs",
  queue_url: QUEUE,
  role_arn: ROLE,
  event_types: ["voice.call.ended"],
  ...over,
});

async function publish(org: TestOrg) {
  const res = await org.request("POST", "/v1/events", { type: "voice.call.ended", data: { call_id: "c1" } });
  expect(res.status).toBe(202);
  return res.body.id as string;
}

describe("creating AWS endpoints", () => {
  it("returns the external id and the trust policy naming hookrelay's account, and keeps the id stable", async () => {
    const s = awsStack();
    const org = await s.org();
    const res = await org.request("POST", "/v1/webhook-endpoints", sqsEndpoint());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ type: "aws_sqs", queue_url: QUEUE, role_arn: ROLE, url: QUEUE });
    expect(res.body.external_id).toMatch(/^hookrelay-[0-9a-f]{32}$/);
    expect(res.body.trust_policy.Statement[0]).toEqual({
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::999999999999:root" },
      Action: "sts:AssumeRole",
      Condition: { StringEquals: { "sts:ExternalId": res.body.external_id } },
    });
    // The least the role needs: send to this queue, nothing else.
    expect(res.body.permission_policy.Statement).toEqual([
      { Effect: "Allow", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:123456789012:webhooks" },
    ]);
    const id = res.body.id;
    const patched = await org.request("PATCH", `/v1/webhook-endpoints/${id}`, {
      queue_url: "https://sqs.us-east-1.amazonaws.com/123456789012/other",
    });
    expect(patched.status).toBe(200);
    expect(patched.body.external_id).toBe(res.body.external_id);
    expect(patched.body.queue_url).toBe("https://sqs.us-east-1.amazonaws.com/123456789012/other");
    expect(patched.body.permission_policy.Statement[0].Resource).toBe(
      "arn:aws:sqs:us-east-1:123456789012:other",
    );
    const got = await org.request("GET", `/v1/webhook-endpoints/${id}`);
    expect(got.body.external_id).toBe(res.body.external_id);
  });

  it("an https endpoint's view only gains its type", async () => {
    const s = awsStack();
    const org = await s.org();
    const res = await org.request("POST", "/v1/webhook-endpoints", { url: "https://example.test/hook" });
    expect(res.status).toBe(201);
    expect(res.body.type).toBe("https");
    for (const f of ["role_arn", "external_id", "queue_url", "trust_policy", "permission_policy"])
      expect(res.body).not.toHaveProperty(f);
  });

  const refused: [string, Record<string, unknown>, RegExp][] = [
    [
      "a role ARN of another shape",
      { role_arn: "arn:aws:iam::123:role/x" },
      /role_arn must be an IAM role ARN/,
    ],
    ["a role in another partition", { role_arn: "arn:aws-cn:iam::123456789012:role/x" }, /partition aws-cn/],
    [
      "a role of hookrelay's own account",
      { role_arn: "arn:aws:iam::999999999999:role/x" },
      /not of the account/,
    ],
    [
      "a queue URL on another host",
      { queue_url: "https://evil.test/123456789012/q" },
      /not a valid queue URL/,
    ],
    [
      "a queue URL in a China region on the global domain",
      { queue_url: "https://sqs.cn-north-1.amazonaws.com/123456789012/q" },
      /partition aws-cn/,
    ],
    [
      "a region that is no region",
      { queue_url: "https://sqs.localhost.amazonaws.com/123456789012/q" },
      /not a region/,
    ],
    ["a url for an AWS type", { url: "https://example.test" }, /Unrecognized key|url does not apply/],
    ["custom headers for an AWS type", { headers: { "x-a": "b" } }, /Unrecognized key|headers/],
    [
      "another type's target",
      { topic_arn: "arn:aws:sns:us-east-1:123456789012:t" },
      /Unrecognized key|do not apply/,
    ],
  ];
  for (const [what, over, message] of refused) {
    it(`refuses ${what} (400, nothing created)`, async () => {
      const s = awsStack();
      const org = await s.org();
      const res = await org.request("POST", "/v1/webhook-endpoints", sqsEndpoint(over));
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.error)).toMatch(message);
      expect((await org.request("GET", "/v1/webhook-endpoints")).body.data).toHaveLength(0);
    });
  }

  it("validates each type's target and refuses a change of type", async () => {
    const s = awsStack();
    const org = await s.org();
    const ok = [
      { type: "aws_sns", role_arn: ROLE, topic_arn: "arn:aws:sns:eu-west-1:123456789012:hooks.fifo" },
      {
        type: "aws_eventbridge",
        role_arn: ROLE,
        event_bus_arn: "arn:aws:events:us-east-1:123456789012:event-bus/b",
      },
      { type: "aws_s3", role_arn: ROLE, bucket: "acme-hooks", prefix: "in/" },
    ];
    for (const body of ok)
      expect((await org.request("POST", "/v1/webhook-endpoints", body)).status).toBe(201);
    const bad = [
      { type: "aws_sns", role_arn: ROLE, topic_arn: "arn:aws:sqs:us-east-1:123456789012:hooks" },
      {
        type: "aws_eventbridge",
        role_arn: ROLE,
        event_bus_arn: "arn:aws-us-gov:events:us-gov-west-1:123456789012:event-bus/b",
      },
      { type: "aws_s3", role_arn: ROLE, bucket: "Not_A_Bucket" },
      { type: "aws_s3", role_arn: ROLE, bucket: "acme", region: "cn-north-1" },
    ];
    for (const body of bad)
      expect((await org.request("POST", "/v1/webhook-endpoints", body)).status).toBe(400);
    const ep = (await org.request("POST", "/v1/webhook-endpoints", sqsEndpoint())).body;
    const change = await org.request("PATCH", `/v1/webhook-endpoints/${ep.id}`, {
      type: "https",
      url: "https://x.test",
    });
    expect(change.status).toBe(400);
  });
});

describe("delivering to AWS endpoints (policy)", () => {
  it("delivers the signed envelope and logs the attempt like an HTTP one", async () => {
    const s = awsStack();
    const org = await s.org();
    const ep = (await org.request("POST", "/v1/webhook-endpoints", sqsEndpoint())).body;
    const id = await publish(org);
    await s.drain();
    const [sent] = s.fake.of("sqs");
    expect(JSON.parse(String(sent!.input.MessageBody))).toMatchObject({ id, type: "voice.call.ended" });
    expect(s.fake.of("sts")[0]!.input.ExternalId).toBe(ep.external_id);
    const log = await eventAttempts(s.deps, org.orgId, id, { limit: 10 });
    expect(log.attempts).toMatchObject([{ endpoint_id: ep.id, attempt: 1, success: true, status_code: 200 }]);
    expect(s.http.requests).toHaveLength(0);
  });

  it("access denied fails fast: dead-lettered after one attempt, with a clear last_error", async () => {
    const s = awsStack((r) =>
      r.service === "sts" ? { status: 403, error: "AccessDenied", message: "not trusted" } : undefined,
    );
    const org = await s.org();
    const ep = (await org.request("POST", "/v1/webhook-endpoints", sqsEndpoint({ max_retries: 5 }))).body;
    const id = await publish(org);
    await s.drain();
    expect(s.fake.of("sts")).toHaveLength(1);
    expect(s.queue.depth("delivery")).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    const [letter] = s.queue.messages("deliveryDlq");
    expect(JSON.stringify(letter?.attributes)).toMatch(/not retried: access denied/);
    const event = (await org.request("GET", `/v1/events/${id}`)).body;
    expect(JSON.stringify(event)).toMatch(/failed/);
    const view = (await org.request("GET", `/v1/webhook-endpoints/${ep.id}`)).body;
    expect(view.last_error).toMatch(
      /^access denied: hookrelay could not assume arn:aws:iam::123456789012:role\/hookrelay-delivery/,
    );
    expect(view.status).toBe("active");
  });

  it("access denied tells the platform once per change of state: hookrelay.endpoint.access_denied", async () => {
    let refuse = true;
    const s = awsStack((r) =>
      r.service === "sts" && refuse
        ? { status: 403, error: "AccessDenied", message: "not trusted" }
        : undefined,
    );
    const org = await s.org();
    const ep = (await org.request("POST", "/v1/webhook-endpoints", sqsEndpoint())).body;
    const denied = () => s.operational().filter((e) => e.type === "hookrelay.endpoint.access_denied");
    await publish(org);
    await s.drain();
    expect(denied()).toHaveLength(1);
    const view = (await org.request("GET", `/v1/webhook-endpoints/${ep.id}`)).body;
    expect(denied()[0]!.data).toMatchObject({
      org_id: org.orgId,
      endpoint_id: ep.id,
      role_arn: ROLE,
      last_error: view.last_error,
      reason: view.last_error,
    });
    expect(String(view.last_error)).toMatch(/^access denied: hookrelay could not assume/);
    // Refused again: the endpoint is in that state already, so no second event.
    await publish(org);
    await s.drain();
    expect(denied()).toHaveLength(1);
    // The customer fixes the trust policy: a success; revoked later, a new event.
    refuse = false;
    await publish(org);
    await s.drain();
    expect((await org.request("GET", `/v1/webhook-endpoints/${ep.id}`)).body.consecutive_failures).toBe(0);
    refuse = true;
    s.advance(3_600_000); // past the cached credentials
    await publish(org);
    await s.drain();
    expect(denied()).toHaveLength(2);
    // The dead letters' own events are there too, one per refused delivery.
    expect(s.operational().filter((e) => e.type === "hookrelay.message.dead_lettered")).toHaveLength(3);
  });

  it("a deleted queue disables the endpoint and parks the delivery", async () => {
    const s = awsStack((r) =>
      r.service === "sqs" ? { status: 400, error: "QueueDoesNotExist" } : undefined,
    );
    const org = await s.org();
    const ep = (await org.request("POST", "/v1/webhook-endpoints", sqsEndpoint())).body;
    await publish(org);
    await s.drain();
    const view = (await org.request("GET", `/v1/webhook-endpoints/${ep.id}`)).body;
    expect(view.status).toBe("disabled");
    expect(view.last_error).toMatch(/the AWS target no longer exists/);
    expect(s.fake.of("sqs")).toHaveLength(1);
  });

  it("throttling is retried on the schedule, then delivered", async () => {
    let throttle = true;
    const s = awsStack((r) =>
      r.service === "sqs" && throttle ? { status: 400, error: "ThrottlingException" } : undefined,
    );
    const org = await s.org();
    await org.request("POST", "/v1/webhook-endpoints", sqsEndpoint());
    const id = await publish(org);
    await s.drain();
    expect(s.fake.of("sqs")).toHaveLength(1);
    throttle = false;
    s.advance(s.queue.nextVisibleAt("delivery")! - s.deps.now().getTime());
    await s.drain();
    expect(s.fake.of("sqs")).toHaveLength(2);
    const log = await eventAttempts(s.deps, org.orgId, id, { limit: 10 });
    expect(log.attempts.map((a) => [a.attempt, a.success]).sort()).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(log.attempts.find((a) => !a.success)?.error).toMatch(/^throttled by AWS/);
  });
});
