/**
 * An aws_sqs endpoint end to end on the local stack: the API creates it, an event is published,
 * the delivery function puts the signed envelope into a queue of the customer's on the SQS
 * emulator (fauxqs; the role is recorded, not assumed, docs/destinations.md), the attempt is
 * logged; `POST …/test` goes the same way; a deleted queue disables the endpoint.
 */
import { randomBytes } from "node:crypto";
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrapOrg } from "../../core/orgs/bootstrap.js";
import { type LocalStack, startLocalStack } from "../../local/stack.js";
import { sharedEmulators } from "../support/stack.js";
import { waitFor } from "../support/wait.js";

let stack: LocalStack;
let sqs: SQSClient;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, emulators: sharedEmulators() });
  sqs = new SQSClient({
    endpoint: stack.env.SQS_ENDPOINT,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
});

afterAll(async () => {
  sqs?.destroy();
  await stack?.stop();
});

/** A queue of "the customer's", on the emulator, by its AWS-shaped URL (the emulator's account). */
async function customerQueue() {
  const name = `customer-${randomBytes(4).toString("hex")}`;
  await sqs.send(new CreateQueueCommand({ QueueName: name }));
  return { name, url: `https://sqs.us-east-1.amazonaws.com/000000000000/${name}` };
}

async function receiveOne(queueUrl: string): Promise<Message> {
  return waitFor(
    async () => {
      const res = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MessageAttributeNames: ["All"], WaitTimeSeconds: 1 }),
      );
      return res.Messages?.[0];
    },
    { what: "a message in the customer's queue" },
  );
}

async function org() {
  const id = `org_aws${randomBytes(4).toString("hex")}`;
  const key = `sk_test_${randomBytes(24).toString("base64url")}`;
  await bootstrapOrg(stack.deps, { orgId: id, name: "aws", apiKey: key });
  return async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${stack.url}/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}

/** An aws_sqs endpoint into the customer's queue, by a role of another account. */
const sqsEndpointBody = (queueUrl: string) => ({
  type: "aws_sqs",
  queue_url: queueUrl,
  role_arn: "arn:aws:iam::123456789012:role/hookrelay-delivery",
});

describe("aws_sqs on the local stack", () => {
  it("puts the signed envelope into the customer's queue and logs the attempt", async () => {
    const api = await org();
    const queue = await customerQueue();
    const created = await api("POST", "/webhook-endpoints", {
      ...sqsEndpointBody(queue.url),
      event_types: ["voice.call.ended"],
    });
    expect(created.status).toBe(201);
    const { id: endpointId, secret, external_id } = created.body;
    expect(external_id).toMatch(/^hookrelay-/);

    const published = await api("POST", "/events", { type: "voice.call.ended", data: { call_id: "c_9" } });
    expect(published.status).toBe(202);
    const msg = await receiveOne(queue.url);
    const attr = (n: string) => String(msg.MessageAttributes?.[n]?.StringValue);
    expect(attr("webhook-id")).toBe(published.body.id);
    // The receiver verifies as it would a webhook: the attributes are the headers.
    const payload = new Webhook(secret.slice("whsec_".length)).verify(msg.Body!, {
      "webhook-id": attr("webhook-id"),
      "webhook-timestamp": attr("webhook-timestamp"),
      "webhook-signature": attr("webhook-signature"),
    });
    expect(payload).toMatchObject({
      id: published.body.id,
      type: "voice.call.ended",
      data: { call_id: "c_9" },
    });

    const attempts = await waitFor(
      async () => {
        const res = await api("GET", `/events/${published.body.id}/attempts`);
        return res.body.data?.length ? res.body.data : undefined;
      },
      { what: "the attempt in the log" },
    );
    expect(attempts[0]).toMatchObject({ endpoint_id: endpointId, status_code: 200 });
    expect(attempts[0].response_body).toMatch(/recorded, not assumed \(local stack\)/);

    // The test event verifies the destination the same way.
    expect((await api("POST", `/webhook-endpoints/${endpointId}/test`, {})).status).toBe(202);
    const test = await receiveOne(queue.url);
    expect(JSON.parse(test.Body!).type).toBe("webhook.test");
  });

  it("a deleted queue disables the endpoint with a clear last_error", async () => {
    const api = await org();
    const queue = await customerQueue();
    const created = await api("POST", "/webhook-endpoints", sqsEndpointBody(queue.url));
    await sqs.send(new DeleteQueueCommand({ QueueUrl: queue.url }));
    await api("POST", "/events", { type: "voice.call.ended", data: {} });
    const view = await waitFor(
      async () => {
        const res = await api("GET", `/webhook-endpoints/${created.body.id}`);
        return res.body.status === "disabled" ? res.body : undefined;
      },
      { what: "the endpoint disabled" },
    );
    expect(view.last_error).toMatch(/the AWS target no longer exists/);
  });
});
