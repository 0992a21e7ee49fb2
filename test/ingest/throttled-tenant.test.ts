/**
 * A tenant over its shards' write capacity (issue #25, docs/scale.md "hot-tenant-4k"), on
 * DynamoDB Local and fauxqs: DynamoDB refuses every write of its messages (injected by command
 * name, test/support/faults.ts). Its events are deferred on the ingest queue (core/events/
 * defer.ts) while another tenant's events of the same batch go out at once; once the table
 * takes the writes again every deferred event is stored and fanned out exactly once.
 */

import { ProvisionedThroughputExceededException } from "@aws-sdk/client-dynamodb";
import type { Message } from "@aws-sdk/client-sqs";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createIngestHandler } from "../../core/events/ingest-handler.js";
import { logger } from "../../core/log/logger.js";
import { metrics } from "../../core/log/metrics.js";
import type { DeliveryTask } from "../../core/model/task.js";
import { listMessages } from "../../core/store/messages.js";
import { putEndpoint } from "../support/endpoints.js";
import { interpose } from "../support/faults.js";
import { publishAndProcess, runBatch } from "../support/ingest.js";
import { type QueueCollector, receiveWhere, taskCollector } from "../support/queues.js";
import { sqsEvent } from "../support/sqs-event.js";
import { createTestStack, type TestStack, uniqueOrg } from "../support/stack.js";

let stack: TestStack;
let tasks: QueueCollector<DeliveryTask>;
const faults: { restore(): void }[] = [];

beforeAll(async () => {
  logger.setLogLevel("CRITICAL");
  stack = await createTestStack();
  tasks = taskCollector(stack);
});
afterEach(() => {
  for (const f of faults.splice(0)) f.restore();
  vi.restoreAllMocks();
});

/** The sum of each metric the code added, and the warnings it logged, by message. */
function watchMetricsAndWarnings() {
  const added = vi.spyOn(metrics(), "addMetric");
  const warned = vi.spyOn(logger, "warn");
  return {
    sum: (name: string) =>
      added.mock.calls.filter(([n]) => n === name).reduce((total, [, , value]) => total + value, 0),
    warnings: (message: string) => warned.mock.calls.filter(([m]) => m === message).length,
  };
}
const DEFERRED_LINE = "ingest records deferred after throttled message writes";

interface Refusals {
  /** Message writes of the hot tenant refused so far. */
  refused: number;
  /** Refuse them (true) or let them through (false). */
  on: boolean;
}

/** DynamoDB refuses the message writes (MSG#{org}#…) of `org` while `state.on`. */
function throttleMessagesOf(org: string): Refusals {
  const state = { refused: 0, on: true };
  faults.push(
    interpose(stack.deps.db.doc, (call) => {
      const pk = String((call.input.Item as { pk?: unknown } | undefined)?.pk ?? "");
      if (call.command !== "PutItemCommand" || !pk.startsWith(`MSG#${org}#`) || !state.on) return undefined;
      state.refused++;
      return Promise.reject(
        new ProvisionedThroughputExceededException({ message: "injected throttle", $metadata: {} }),
      );
    }),
  );
  return state;
}

interface Deferral {
  delaySeconds?: number;
  tenant?: string;
}

/**
 * Records the delay and tenant of every deferred copy sent to the ingest queue, and sends
 * every message there with no delay, so the test receives it at once instead of waiting its seconds out.
 */
function undelayedCopies(): Deferral[] {
  const seen: Deferral[] = [];
  faults.push(
    interpose(stack.deps.sqs, (call) => {
      if (call.command !== "SendMessageBatchCommand" || call.input.QueueUrl !== stack.config.queues.ingest)
        return undefined;
      const entries = call.input.Entries as {
        MessageBody: string;
        DelaySeconds?: number;
        MessageGroupId?: string;
      }[];
      for (const e of entries)
        if (e.MessageBody.startsWith('{"hookrelay":"deferred"'))
          seen.push({ delaySeconds: e.DelaySeconds, tenant: e.MessageGroupId });
      return call.send({ ...call.input, Entries: entries.map((e) => ({ ...e, DelaySeconds: 0 })) });
    }),
  );
  return seen;
}

const copiesOf = (org: string, count: number): Promise<Message[]> =>
  receiveWhere(
    stack.deps.sqs,
    stack.config.queues.ingest,
    (m) => m.Body!.startsWith('{"hookrelay":"deferred"') && m.Body!.includes(org),
    {
      count,
    },
  );

describe("a tenant whose message writes DynamoDB refuses", () => {
  it("is deferred while the other tenant's events of the same batch go out; then every event is stored once", async () => {
    const hot = uniqueOrg();
    const quiet = uniqueOrg();
    await putEndpoint(stack.deps, { org_id: hot });
    await putEndpoint(stack.deps, { org_id: quiet });
    await putEndpoint(stack.deps, { org_id: quiet });
    const refusals = throttleMessagesOf(hot);
    const deferrals = undelayedCopies();
    const watch = watchMetricsAndWarnings();

    // One batch, the tenants interleaved; one hot event carries a producer id (its key is
    // claimed before the message write is refused: the copy takes the key over).
    const event = (org: string, n: number, id?: string) => ({
      org_id: org,
      type: "web.incoming",
      data: { n },
      ...(id ? { id } : {}),
    });
    const { response, messages } = await publishAndProcess(stack, [
      event(hot, 1),
      event(quiet, 1),
      event(hot, 2, "order-2"),
      event(quiet, 2),
      event(hot, 3),
      event(quiet, 3),
    ]);
    // Nothing failed: the hot tenant's records were deferred, not left for the queue's 3 min.
    expect(response.batchItemFailures).toEqual([]);
    // Each refused write was made once: the batch waited for no retry of it.
    expect(refusals.refused).toBe(3);
    // The quiet tenant's events went out in this invocation, before any of the hot one's.
    expect(await tasks.expect(quiet, 6)).toHaveLength(6);
    expect((await listMessages(stack.deps.db, hot, { limit: 10 })).items).toEqual([]);
    expect(await tasks.settled(hot)).toEqual([]);
    // Delayed copies on the ingest queue, each with its organization as the fair-queue tenant.
    expect(deferrals).toHaveLength(3);
    for (const d of deferrals) {
      expect(d.tenant).toBe(hot);
      expect(d.delaySeconds).toBeGreaterThanOrEqual(3);
      expect(d.delaySeconds).toBeLessThanOrEqual(5);
    }
    // Counted as a metric; logged as a summary (core/log/summary.ts): this process's first
    // deferral at once, then at most a line a minute, not one per batch or record.
    expect(watch.sum("IngestDeferred")).toBe(3);
    expect(watch.sum("IngestDeferralNotSent")).toBe(0);
    expect(watch.warnings(DEFERRED_LINE)).toBe(1);

    // Still refused: the copies are deferred again, longer.
    const again = await runBatch(stack, await copiesOf(hot, 3));
    expect(again.batchItemFailures).toEqual([]);
    expect(refusals.refused).toBe(6);
    expect(deferrals.slice(3).map((d) => d.delaySeconds! >= 5 && d.delaySeconds! <= 10)).toEqual([
      true,
      true,
      true,
    ]);
    expect(watch.sum("IngestDeferred")).toBe(6);
    expect(watch.warnings(DEFERRED_LINE)).toBeLessThanOrEqual(2);

    // The table takes the writes again: every event is stored and fanned out, once.
    refusals.on = false;
    const last = await runBatch(stack, await copiesOf(hot, 3));
    expect(last.batchItemFailures).toEqual([]);
    const stored = (await listMessages(stack.deps.db, hot, { limit: 10 })).items;
    expect(stored.map((m) => (m.data as { n: number }).n).sort()).toEqual([1, 2, 3]);
    expect(stored.find((m) => m.producer_id === "order-2")).toBeDefined();
    const hotTasks = await tasks.expect(hot, 3);
    expect(new Set(hotTasks.map((t) => t.msg_id))).toEqual(new Set(stored.map((m) => m.id)));

    // An original record seen again (its invocation died after sending the copy) is the same
    // event: its message id derives from the first record's SQS id, as the copy's did.
    const handler = createIngestHandler(stack.deps);
    const originals = messages.filter((m) => m.Body!.includes(hot));
    const redelivered = await handler(
      sqsEvent(
        originals.map((m) => ({
          id: m.MessageId!,
          body: m.Body!,
          sentAt: Number(m.Attributes!.SentTimestamp),
        })),
        2,
      ),
    );
    expect(redelivered.batchItemFailures).toEqual([]);
    expect((await listMessages(stack.deps.db, hot, { limit: 10 })).items).toHaveLength(3);
    expect(await tasks.settled(hot)).toHaveLength(3);
  });

  it("an event deferred MAX_DEFERRALS times fails like any transient error (the queue's retries, then the DLQ)", async () => {
    const hot = uniqueOrg();
    await putEndpoint(stack.deps, { org_id: hot });
    throttleMessagesOf(hot);
    const body = JSON.stringify({ org_id: hot, type: "web.incoming", data: { n: 1 } });
    const copy = JSON.stringify({
      hookrelay: "deferred",
      v: 1,
      org_id: hot,
      sqs_message_id: "first-record-id",
      sent_at: Date.now(),
      deferrals: 12,
      body,
    });
    const ev = sqsEvent([copy]);
    const res = await createIngestHandler(stack.deps)(ev);
    expect(res.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([ev.Records[0]!.messageId]);
  });
});
