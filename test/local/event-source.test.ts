/**
 * The Lambda SQS event-source emulation against fauxqs: what it deletes, what it leaves,
 * and that SQS's own visibility and redrive rules then apply.
 */
import { randomBytes } from "node:crypto";
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { afterEach, describe, expect, inject, it } from "vitest";
import { type EventSource, type SqsHandler, startEventSource } from "../../local/event-source.js";
import { waitFor } from "../support/wait.js";

const sqs = new SQSClient({
  endpoint: inject("sqsEndpoint"),
  region: "us-east-1",
  credentials: { accessKeyId: "local", secretAccessKey: "local" },
});

async function queue(attrs: Record<string, string> = {}, redrive?: { maxReceiveCount: number }) {
  const name = `es-${randomBytes(4).toString("hex")}`;
  let dlqUrl: string | undefined;
  const attributes = { VisibilityTimeout: "30", ...attrs };
  if (redrive) {
    dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }))).QueueUrl!;
    const arn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ["QueueArn"] }))
    ).Attributes!.QueueArn!;
    Object.assign(attributes, {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: redrive.maxReceiveCount }),
    });
  }
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
  return { url, dlqUrl, arn: `arn:aws:sqs:us-east-1:000000000000:${name}` };
}

async function send(url: string, bodies: string[]) {
  await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: url,
      Entries: bodies.map((b, i) => ({
        Id: String(i),
        MessageBody: b,
        MessageAttributes: { kind: { DataType: "String", StringValue: "test" } },
      })),
    }),
  );
}

function setVisibility(url: string, record: SQSRecord, seconds: number) {
  return sqs.send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: url,
      ReceiptHandle: record.receiptHandle,
      VisibilityTimeout: seconds,
    }),
  );
}

async function visibleCount(url: string): Promise<number> {
  const res = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return (
    Number(res.Attributes!.ApproximateNumberOfMessages) +
    Number(res.Attributes!.ApproximateNumberOfMessagesNotVisible)
  );
}

let running: EventSource | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

function run(q: { url: string; arn: string }, handler: SqsHandler, batchSize = 10) {
  running = startEventSource({
    sqs,
    queueUrl: q.url,
    queueArn: q.arn,
    handler,
    batchSize,
    concurrency: 1,
    waitTimeSeconds: 1,
    onInvokeError: () => {},
  });
}

describe("event-source emulation", () => {
  it("builds real SQS records", async () => {
    const q = await queue();
    await send(q.url, ["hello"]);
    const seen: SQSRecord[] = [];
    run(q, async (event) => {
      seen.push(...event.Records);
      return { batchItemFailures: [] };
    });
    const [record] = await waitFor(() => seen.length > 0 && seen, { what: "a record" });
    expect(record).toMatchObject({
      body: "hello",
      eventSource: "aws:sqs",
      eventSourceARN: q.arn,
      awsRegion: "us-east-1",
      attributes: { ApproximateReceiveCount: "1" },
      messageAttributes: { kind: { dataType: "String", stringValue: "test" } },
    });
    expect(record!.messageId).toMatch(/\S/);
    expect(record!.receiptHandle).toMatch(/\S/);
    await waitFor(async () => (await visibleCount(q.url)) === 0, { what: "deletion" });
  });

  it("fills a batch above 10 from several receives, as Lambda's poller does, and deletes it all", async () => {
    const q = await queue();
    const bodies = Array.from({ length: 25 }, (_, i) => `m-${i}`);
    for (let i = 0; i < bodies.length; i += 10) await send(q.url, bodies.slice(i, i + 10));
    const sizes: number[] = [];
    const seen = new Set<string>();
    run(
      q,
      async (event) => {
        sizes.push(event.Records.length);
        for (const r of event.Records) seen.add(r.body);
        return { batchItemFailures: [] };
      },
      20,
    );
    await waitFor(() => seen.size === 25, { what: "every record" });
    // Every message was visible before the first receive: 20 (10 + 10), then the 5 left.
    expect(sizes).toEqual([20, 5]);
    await waitFor(async () => (await visibleCount(q.url)) === 0, { what: "deletion" });
  });

  it("deletes the records that succeeded and leaves those in batchItemFailures", async () => {
    const q = await queue();
    await send(q.url, ["ok-1", "fail", "ok-2"]);
    const calls: SQSEvent[] = [];
    run(q, async (event) => {
      calls.push(event);
      const bad = event.Records.filter((r) => r.body === "fail");
      return { batchItemFailures: bad.map((r) => ({ itemIdentifier: r.messageId })) };
    });
    await waitFor(() => calls.flatMap((c) => c.Records).length >= 3, { what: "three records" });
    await running!.stop();
    running = undefined;
    // The failed record is still in the queue (in flight until its visibility timeout).
    await waitFor(async () => (await visibleCount(q.url)) === 1, { what: "only the failure left" });
  });

  it("honours a visibility change made by the handler for a failed record", async () => {
    const q = await queue();
    await send(q.url, ["retry-me"]);
    const counts: string[] = [];
    run(q, async (event) => {
      const r = event.Records[0]!;
      counts.push(r.attributes.ApproximateReceiveCount);
      if (counts.length === 1) {
        // Like the delivery function: come back right away instead of after 30 s.
        await setVisibility(q.url, r, 0);
        return { batchItemFailures: [{ itemIdentifier: r.messageId }] };
      }
      return { batchItemFailures: [] };
    });
    await waitFor(() => counts.length === 2, { what: "redelivery" });
    expect(counts).toEqual(["1", "2"]);
    await waitFor(async () => (await visibleCount(q.url)) === 0, { what: "deletion after success" });
  });

  it("keeps a failed record invisible for the timeout the handler set", async () => {
    const q = await queue();
    await send(q.url, ["later"]);
    let handled = 0;
    run(q, async (event) => {
      const r = event.Records[0]!;
      handled++;
      await setVisibility(q.url, r, 600);
      return { batchItemFailures: [{ itemIdentifier: r.messageId }] };
    });
    await waitFor(() => handled === 1, { what: "first receive" });
    await running!.stop();
    running = undefined;
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl: q.url, WaitTimeSeconds: 0 }));
    expect(again.Messages ?? []).toHaveLength(0);
    expect(await visibleCount(q.url)).toBe(1);
  });

  it("treats a thrown error as a failure of the whole batch", async () => {
    const q = await queue();
    await send(q.url, ["a", "b", "c"]);
    let calls = 0;
    run(q, async (event) => {
      calls++;
      if (calls > 1) return { batchItemFailures: [] };
      // Make the batch visible again at once so the test need not wait for the timeout.
      for (const r of event.Records) {
        await setVisibility(q.url, r, 0);
      }
      throw new Error("crash");
    });
    await waitFor(async () => calls >= 2 && (await visibleCount(q.url)) === 0, { what: "retry after throw" });
  });

  it("treats a response naming an unknown record as a failure of the whole batch", async () => {
    const q = await queue();
    await send(q.url, ["x"]);
    let calls = 0;
    run(q, async () => {
      calls++;
      return { batchItemFailures: [{ itemIdentifier: "not-in-this-batch" }] };
    });
    await waitFor(() => calls === 1, { what: "one invocation" });
    await running!.stop();
    running = undefined;
    expect(await visibleCount(q.url)).toBe(1);
  });

  it("lets SQS redrive a record to the DLQ after maxReceiveCount", async () => {
    const q = await queue({}, { maxReceiveCount: 2 });
    await send(q.url, ["poison"]);
    let calls = 0;
    run(q, async (event) => {
      calls++;
      const r = event.Records[0]!;
      await setVisibility(q.url, r, 0);
      return { batchItemFailures: [{ itemIdentifier: r.messageId }] };
    });
    await waitFor(async () => (await visibleCount(q.dlqUrl!)) === 1, { what: "the DLQ" });
    expect(calls).toBe(2);
    expect(await visibleCount(q.url)).toBe(0);
  });

  it("stops receiving at the queue's in-flight cap, as SQS does, and resumes below it", async () => {
    const q = await queue({ VisibilityTimeout: "600" });
    await send(
      q.url,
      Array.from({ length: 10 }, (_, i) => `m${i}`),
    );
    const seen: string[] = [];
    const held: SQSRecord[] = [];
    // Every record is failed and held invisible: the in-flight count only grows.
    running = startEventSource({
      sqs,
      queueUrl: q.url,
      queueArn: q.arn,
      handler: async (event) => {
        seen.push(...event.Records.map((r) => r.body));
        held.push(...event.Records);
        return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
      },
      batchSize: 2,
      concurrency: 2,
      waitTimeSeconds: 1,
      inFlightCap: 4,
      onInvokeError: () => {},
    });
    await waitFor(() => running!.stats().cappedReceives >= 2, { what: "receives at the cap" });
    expect(seen).toHaveLength(4);
    expect(running.stats().peakInFlight).toBeLessThanOrEqual(4);
    // Releasing the held messages (visibility 0) brings the count below the cap again.
    for (const r of held.splice(0)) await setVisibility(q.url, r, 0);
    await waitFor(() => seen.length > 4, { what: "receives below the cap" });
  });
});
