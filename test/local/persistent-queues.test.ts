/**
 * The queues `npm start` uses: fauxqs persisting to SQLite (local/sqs.ts with a data dir).
 * fauxqs 2.4.1 fails there on a visibility change to 0 (NOT NULL constraint on
 * approximate_receive_count) and drops the message from its memory
 * (docs/upstream/fauxqs-change-visibility-zero.md), so a DLQ redrive, which makes what it
 * only counted visible again, lost dead letters: 5 → 2 → 0 over two dry runs. Here the
 * redrive runs (dry, then real) on such queues, and no message is lost, before or after a
 * restart of the emulator.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queueCounts } from "../../local/queues.js";
import { type LocalSqs, startSqs } from "../../local/sqs.js";
import { redriveDeliveryDlq } from "../../packages/client/src/sqs/redrive.js";
import { taskFor } from "../support/deliveries.js";

const dataDir = mkdtempSync(join(tmpdir(), "hookrelay-sqs-"));
let emulator: LocalSqs;
let sqs: SQSClient;
let queueUrl: string;
let dlqUrl: string;

async function start(): Promise<void> {
  emulator = await startSqs({ dataDir });
  sqs = new SQSClient({
    endpoint: emulator.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
}

async function stop(): Promise<void> {
  sqs?.destroy();
  await emulator?.stop();
}

/** Every message of a queue, visible or not: what "not lost" means. */
async function total(url: string): Promise<number> {
  const c = await queueCounts(sqs, url);
  return c.visible + c.inFlight + c.delayed;
}

beforeAll(async () => {
  await start();
  dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "DeliveryDlq" }))).QueueUrl!;
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "DeliveryQueue" }))).QueueUrl!;
  const ep = { org_id: "org_persist", id: "ep_persist" };
  await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: dlqUrl,
      Entries: [1, 2, 3, 4, 5].map((i) => ({ Id: String(i), MessageBody: JSON.stringify(taskFor(ep)) })),
    }),
  );
});

afterAll(async () => {
  await stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("the SQLite-persisted local queues", () => {
  it("make a message visible again on a visibility change to 0", async () => {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 1, VisibilityTimeout: 30 }),
    );
    const handle = Messages![0]!.ReceiptHandle!;
    await sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: dlqUrl, ReceiptHandle: handle, VisibilityTimeout: 0 }),
    );
    expect(await queueCounts(sqs, dlqUrl)).toEqual({ visible: 5, inFlight: 0, delayed: 0 });
  });

  it("dlq redrive: dry runs count every dead letter and keep them all; the real run moves them all", async () => {
    for (const run of [1, 2]) {
      const dry = await redriveDeliveryDlq(sqs, { dlqUrl, queueUrl, dryRun: true });
      expect({ run, ...dry }).toEqual({ run, moved: 5, left: 5, hidden: 0 });
      expect(await queueCounts(sqs, dlqUrl)).toEqual({ visible: 5, inFlight: 0, delayed: 0 });
    }
    const filtered = await redriveDeliveryDlq(sqs, { dlqUrl, queueUrl, endpointId: "ep_other" });
    expect(filtered).toEqual({ moved: 0, left: 5, hidden: 0 });

    const real = await redriveDeliveryDlq(sqs, { dlqUrl, queueUrl });
    expect(real).toEqual({ moved: 5, left: 0, hidden: 0 });
    expect(await total(dlqUrl)).toBe(0);
    expect(await queueCounts(sqs, queueUrl)).toEqual({ visible: 5, inFlight: 0, delayed: 0 });
  });

  it("still holds every message after the emulator restarts on the same data", async () => {
    await stop();
    await start();
    expect(await total(dlqUrl)).toBe(0);
    expect(await queueCounts(sqs, queueUrl)).toEqual({ visible: 5, inFlight: 0, delayed: 0 });
  });
});
