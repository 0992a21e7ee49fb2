/**
 * The SSRF guard inside the real engine (private targets NOT allowed, as on AWS), and the
 * AWS request budget of the happy path.
 */
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeliveryHandler } from "../../core/delivery/handler.js";
import { invokeBatch } from "../../local/event-source.js";
import { attemptsOf, enqueue, enqueueFor, taskFor, waitForDelivery } from "../support/deliveries.js";
import { useHarness } from "../support/delivery.js";
import { endpointNow, putEndpoint } from "../support/endpoints.js";
import { recordCalls } from "../support/faults.js";
import { dlqMessageFor } from "../support/queues.js";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { createTestStack, type TestStack } from "../support/stack.js";
import { waitFor } from "../support/wait.js";

describe("SSRF guard in the engine", () => {
  const h = useHarness({ ALLOW_PRIVATE_TARGETS: "false" });
  let r: Receiver;
  beforeAll(async () => {
    r = await h.receiver();
  });

  it.each([
    [
      "a loopback literal",
      (port: number) => `http://127.0.0.1:${port}/hook`,
      /^target address 127\.0\.0\.1 is loopback \(SSRF guard\)$/,
    ],
    [
      "a decimal IPv4 literal",
      (port: number) => `http://2130706433:${port}/hook`,
      /^target address 127\.0\.0\.1 is loopback/,
    ],
    [
      "an IPv4-mapped IPv6 literal",
      (port: number) => `http://[::ffff:127.0.0.1]:${port}/`,
      /is loopback \(SSRF guard\)$/,
    ],
    [
      "a name resolving to loopback",
      (port: number) => `http://localhost:${port}/hook`,
      /^target address (127\.0\.0\.1|::1) is loopback/,
    ],
    [
      "the metadata service",
      () => "http://169.254.169.254/latest/meta-data/",
      /^target address 169\.254\.169\.254 is a cloud metadata address/,
    ],
    [
      "a private network address",
      () => "http://10.0.0.1/hook",
      /^target address 10\.0\.0\.1 is private \(SSRF guard\)$/,
    ],
  ])("refuses %s as a failed attempt", async (_what, url, error) => {
    const ep = await putEndpoint(h.deps, { url: url(r.port), max_retries: 0 });
    const t = await enqueueFor(h.deps, ep);
    const d = await waitForDelivery(h.deps, t, "failed");
    expect(d.last_error).toMatch(error);
    const [attempt] = await attemptsOf(h.deps, ep);
    expect(attempt).toMatchObject({ success: false, status_code: null });
    expect(attempt!.error).toMatch(error);
    const health = await waitFor(async () => (await endpointNow(h.deps, ep))?.last_error ?? undefined);
    expect(health).toMatch(error);
    await dlqMessageFor(h.deps, t);
    expect(r.requests).toHaveLength(0);
  });
});

describe("AWS requests per delivery", () => {
  let stack: TestStack;
  let r: Receiver;
  beforeAll(async () => {
    stack = await createTestStack({ ENDPOINT_CACHE_SECONDS: "60" });
    r = await startReceiver();
  });
  afterAll(async () => {
    await r.close();
  });

  it("a batch of 10 successful deliveries costs 1 batched write and no per-record calls", async () => {
    const deps = stack.deps;
    const ep = await putEndpoint(deps, { url: r.url });
    const warmUp = await enqueueFor(deps, ep);
    const handler = createDeliveryHandler(deps);
    const source = {
      sqs: deps.sqs,
      queueUrl: stack.config.queues.delivery,
      queueArn: stack.env.DELIVERY_QUEUE_ARN!,
      handler,
      batchSize: 10,
      concurrency: 1,
      waitTimeSeconds: 1,
    };
    const receive = async () => {
      const res = await deps.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: source.queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ["All"],
        }),
      );
      return res.Messages ?? [];
    };
    // Warm-up batch: fills the endpoint cache and writes last_delivery_at once.
    const first = await waitFor(async () => {
      const m = await receive();
      return m.length > 0 && m;
    });
    await invokeBatch(source, first);

    await waitForDelivery(deps, warmUp, "succeeded");

    const tasks = Array.from({ length: 10 }, () => taskFor(ep));
    await enqueue(deps, ...tasks);
    const batch = [];
    while (batch.length < 10) batch.push(...(await receive()));
    // Both clients: the document client shares the DynamoDB client's middleware.
    const calls: string[] = [];
    const recorded = [recordCalls(deps.db.doc, calls), recordCalls(deps.sqs, calls)];
    await invokeBatch(source, batch);
    for (const r of recorded) r.restore();
    expect(r.requests).toHaveLength(11);
    // The handler's own calls: one BatchWriteItem for 20 items (attempt + delivery per
    // record), no reads (cached endpoint), no health write (healthy, refreshed < 1 min ago).
    // DeleteMessageBatch is the event source's (Lambda's) own call.
    expect(calls).toEqual(["BatchWriteItemCommand", "DeleteMessageBatchCommand"]);
    for (const t of tasks) await waitForDelivery(deps, t, "succeeded");
  });
});
