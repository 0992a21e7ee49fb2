/**
 * Invalid events never block a batch: they go to the ingest DLQ with the reason attached
 * (`error_code`, `error_message`) and the record is acknowledged.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createIngestHandler } from "../../core/events/ingest-handler.js";
import type { DeliveryTask } from "../../core/model/task.js";
import { putEventType } from "../../core/store/event-types.js";
import { listMessages } from "../../core/store/messages.js";
import { putEndpoint } from "../support/endpoints.js";
import { publishAndProcess } from "../support/ingest.js";
import { type DeadLetter, dlqCollector, type QueueCollector, taskCollector } from "../support/queues.js";
import { sqsEvent } from "../support/sqs-event.js";
import { createTestStack, type TestStack, uniqueOrg } from "../support/stack.js";

let stack: TestStack;
let tasks: QueueCollector<DeliveryTask>;
let dlq: QueueCollector<DeadLetter>;

beforeAll(async () => {
  stack = await createTestStack();
  tasks = taskCollector(stack);
  dlq = dlqCollector(stack);
});

describe("invalid ingest messages", () => {
  it("a batch with one bad message still processes the other nine", async () => {
    const org = uniqueOrg();
    await putEndpoint(stack.deps, { org_id: org });
    const bodies: unknown[] = Array.from({ length: 9 }, (_, i) => ({
      org_id: org,
      type: "telephony.complete",
      data: { i },
    }));
    bodies.splice(4, 0, { org_id: org, type: "no.such.type", data: { secret: "do not log" } });
    const { response } = await publishAndProcess(stack, bodies);
    expect(response.batchItemFailures).toEqual([]);
    const got = await tasks.expect(org, 9);
    expect(got.map((t) => JSON.parse(t.body).data.i).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const dead = await dlq.expect(org, 1);
    expect(dead).toHaveLength(1);
    expect(dead[0]!.code).toBe("unknown_event_type");
    expect(dead[0]!.message).toContain("no.such.type");
    // The original body is kept for a fix-and-redrive.
    expect(JSON.parse(dead[0]!.body)).toEqual(bodies[4]);
    expect((await listMessages(stack.deps.db, org, { limit: 20 })).items).toHaveLength(9);
  });

  it("an invalid message near the 1 MiB limit reaches the DLQ at once with its reason", async () => {
    const org = uniqueOrg();
    const head = `{"org_id":"${org}","type":"no.such.type","data":{"x":"`;
    const raw = `${head}${"é".repeat((1_048_576 - head.length - 4) / 2)}"}}`;
    expect(Buffer.byteLength(raw)).toBeGreaterThan(1_048_000);
    expect(Buffer.byteLength(raw)).toBeLessThanOrEqual(1_048_576);
    const { response } = await publishAndProcess(stack, [raw]);
    expect(response.batchItemFailures).toEqual([]);
    const [dead] = await dlq.expect(org, 1);
    expect(dead!.code).toBe("payload_too_large");
    expect(dead!.bodyBytes).toBe(String(Buffer.byteLength(raw)));
    // What is kept is the start of the original body, cut on a character boundary.
    expect(raw.startsWith(dead!.body)).toBe(true);
    expect(Buffer.byteLength(dead!.body)).toBeGreaterThan(1_040_000);
  });

  it("dead-letters malformed JSON", async () => {
    const raw = `{"org_id": "broken-${uniqueOrg()}"`;
    const { response } = await publishAndProcess(stack, [raw]);
    expect(response.batchItemFailures).toEqual([]);
    const [dead] = await dlq.expect(raw, 1);
    expect(dead).toMatchObject({ body: raw, code: "invalid_json" });
  });

  it("dead-letters schema violations with details", async () => {
    const org = uniqueOrg();
    const { response } = await publishAndProcess(stack, [
      { org_id: org, type: "web.tool" },
      { org_id: org, type: "web.tool", data: {}, extra: true },
      { org_id: org, type: "web.tool", data: {}, id: "has spaces" },
      { org_id: org, type: "web.tool", data: [1, 2] },
    ]);
    expect(response.batchItemFailures).toEqual([]);
    const dead = await dlq.expect(org, 4);
    expect(dead.map((d) => d.code)).toEqual(Array(4).fill("validation_error"));
    const details = dead.map((d) => JSON.parse(d.details ?? "[]") as { path: string }[]);
    expect(details.flat().map((d) => d.path)).toEqual(expect.arrayContaining(["data", "id"]));
    expect(await tasks.settled(org)).toEqual([]);
  });

  it("dead-letters data larger than 256 KiB as payload_too_large", async () => {
    const org = uniqueOrg();
    await putEndpoint(stack.deps, { org_id: org });
    // Just over the limit; SQS itself carries up to 1 MiB (fauxqs may cap lower, so the
    // record is handed to the handler as Lambda would hand it over).
    const big = { org_id: org, type: "web.complete", data: { blob: "x".repeat(256 * 1024) } };
    const handler = createIngestHandler(stack.deps);
    const res = await handler(sqsEvent([{ id: "big-1", body: big }]));
    expect(res.batchItemFailures).toEqual([]);
    const [dead] = await dlq.expect(org, 1);
    expect(dead!.code).toBe("payload_too_large");
    expect(await tasks.settled(org)).toEqual([]);
    // Exactly at the limit is accepted.
    const exact = JSON.stringify({ blob: "" }).length;
    const ok = { org_id: org, type: "web.complete", data: { blob: "x".repeat(256 * 1024 - exact) } };
    expect(await handler(sqsEvent([{ id: "big-2", body: ok }]))).toEqual({ batchItemFailures: [] });
    expect(await tasks.expect(org, 1)).toHaveLength(1);
  });

  it("dead-letters deliver_at more than 30 days ahead", async () => {
    const org = uniqueOrg();
    const at = new Date(Date.now() + 31 * 86_400_000).toISOString();
    await publishAndProcess(stack, [{ org_id: org, type: "web.tool", data: {}, deliver_at: at }]);
    const [dead] = await dlq.expect(org, 1);
    expect(dead!.code).toBe("invalid_deliver_at");
  });

  it("validates data against the event type's JSON schema", async () => {
    const org = uniqueOrg();
    await putEndpoint(stack.deps, { org_id: org });
    // Prime the catalog cache before the type exists: a fresh type must still be accepted.
    await publishAndProcess(stack, [{ org_id: org, type: "web.tool", data: {} }]);
    await tasks.expect(org, 1);
    await putEventType(stack.deps.db, org, {
      name: "order.paid",
      description: "An order was paid",
      created_at: new Date().toISOString(),
      schema: {
        type: "object",
        required: ["order_id", "paid_at"],
        properties: { order_id: { type: "string" }, paid_at: { type: "string", format: "date-time" } },
      },
    });
    const { response } = await publishAndProcess(stack, [
      { org_id: org, type: "order.paid", data: { order_id: "o1", paid_at: "2026-01-01T00:00:00Z" } },
      { org_id: org, type: "order.paid", data: { order_id: 1, paid_at: "yesterday" } },
    ]);
    expect(response.batchItemFailures).toEqual([]);
    const got = await tasks.expect(org, 2);
    expect(got.filter((t) => t.event_type === "order.paid")).toHaveLength(1);
    const [dead] = await dlq.expect(org, 1);
    expect(dead!.code).toBe("schema_mismatch");
    expect(JSON.parse(dead!.details!).map((d: { path: string }) => d.path)).toEqual(
      expect.arrayContaining(["/order_id", "/paid_at"]),
    );
  });
});
