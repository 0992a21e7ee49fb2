/**
 * Numbers JSON can carry but a double cannot hold exactly (integers beyond 2^53, `1e21`) are
 * refused: 400 on the API, the ingest DLQ with the reason at once on the queue. Never a 500,
 * never a transient retry; and a permanent store error is not retried as transient either.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../core/all-deps.js";
import { createDeps } from "../../core/compose.js";
import { listMessages } from "../../core/store/messages.js";
import { createTestOrg } from "../support/api.js";
import { publishAndProcess } from "../support/ingest.js";
import { type DeadLetter, dlqCollector, type QueueCollector } from "../support/queues.js";
import { createTestStack, type TestStack, uniqueOrg } from "../support/stack.js";

let stack: TestStack;
let dlq: QueueCollector<DeadLetter>;
beforeAll(async () => {
  stack = await createTestStack();
  dlq = dlqCollector(stack);
});

const UNSAFE = ["1234567890123456789", "1e21", "-1e21", "9007199254740993", "1.5e125"];

describe("numbers beyond 2^53", () => {
  it("POST /v1/events answers 400 and stores nothing", async () => {
    const org = await createTestOrg(stack);
    for (const n of UNSAFE) {
      const body = `{"type":"call.graded","data":{"nested":{"n":${n}}}}`;
      const res = await org.request("POST", "/v1/events", body);
      expect(res.status, `${n}: ${res.text}`).toBe(400);
      expect(res.body.error.code).toBe("validation_error");
      expect(res.body.error.message).toContain("2^53");
    }
    // The largest exact integer is fine.
    const ok = await org.request(
      "POST",
      "/v1/events",
      '{"type":"call.graded","data":{"n":9007199254740991}}',
    );
    expect(ok.status).toBe(202);
    expect((await listMessages(stack.deps.db, org.orgId, { limit: 20 })).items).toHaveLength(1);
  });

  it("POST /v1/event-types answers 400 for a schema holding one", async () => {
    const org = await createTestOrg(stack);
    for (const n of UNSAFE) {
      const body = `{"name":"big.n${n.replace(/\W/g, "")}","description":"x","schema":{"type":"object","properties":{"n":{"maximum":${n}}}}}`;
      const res = await org.request("POST", "/v1/event-types", body);
      expect(res.status, `${n}: ${res.text}`).toBe(400);
      expect(res.body.error.code).toBe("validation_error");
    }
  });

  it("the ingest queue dead-letters such an event at once, with its reason", async () => {
    const org = uniqueOrg();
    const raw = `{"org_id":"${org}","type":"call.graded","data":{"n":1234567890123456789}}`;
    const { response } = await publishAndProcess(stack, [raw]);
    expect(response.batchItemFailures).toEqual([]);
    const [dead] = await dlq.expect(org, 1);
    expect(dead).toMatchObject({ body: raw, code: "validation_error" });
    expect(dead!.message).toContain("2^53");
  });

  it("a store error that will never succeed for this event is dead-lettered, not retried", async () => {
    const org = uniqueOrg();
    const realSend = stack.deps.db.doc.send.bind(stack.deps.db.doc);
    // DynamoDB refusing this item (as it refuses one over 400 KB): the same on every retry.
    const doc: Deps["db"]["doc"] = Object.create(stack.deps.db.doc);
    doc.send = (async (cmd: object) => {
      if (/^(Put|TransactWrite)Command$/.test(cmd.constructor.name)) {
        throw Object.assign(new Error("Item size has exceeded the maximum allowed size"), {
          name: "ValidationException",
        });
      }
      return realSend(cmd as never);
    }) as never;
    // A root of its own, so every store adapter it builds writes through the refusing client.
    const failing = createDeps(stack.config, { db: { ...stack.deps.db, doc } });
    const body = { org_id: org, type: "call.graded", data: { n: 1 } };
    const { response } = await publishAndProcess(stack, [body], failing);
    expect(response.batchItemFailures).toEqual([]);
    const [dead] = await dlq.expect(org, 1);
    expect(dead!.code).toBe("unprocessable_event");
    expect(dead!.message).toContain("maximum allowed size");
  });
});
