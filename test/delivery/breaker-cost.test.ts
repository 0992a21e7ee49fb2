/**
 * What a dead endpoint costs while its breaker is open (docs/delivery.md, "What parking
 * costs"): the cooldown grows with the outage (core/delivery/policy/breaker.ts), and a parked
 * task whose body is larger than one SQS billing chunk goes round as a pointer.
 */
import type { SendMessageBatchCommandInput } from "@aws-sdk/client-sqs";
import { beforeAll, describe, expect, it } from "vitest";
import { createDeliveryHandler } from "../../core/delivery/handler.js";
import { pointerOf } from "../../core/delivery/pointer.js";
import { cooldownSeconds } from "../../core/delivery/policy/breaker.js";
import { putMessageOf, taskFor } from "../support/deliveries.js";
import { putEndpoint } from "../support/endpoints.js";
import { interpose } from "../support/faults.js";
import { sqsEvent } from "../support/sqs-event.js";
import { createTestStack, type TestStack, uniqueOrg } from "../support/stack.js";

const isolation = { breakerCooldownSeconds: 60, breakerCooldownMaxSeconds: 3_600 };
const now = new Date("2026-06-01T12:00:00.000Z");
const failingFor = (seconds: number) => ({
  first_failure_at: new Date(now.getTime() - seconds * 1000).toISOString(),
});

describe("breaker cooldown grows with the outage", () => {
  it.each([
    ["no run recorded yet", { first_failure_at: null }, 60],
    ["failing for 2 minutes", failingFor(120), 60],
    ["failing for 10 minutes", failingFor(600), 150],
    ["failing for an hour", failingFor(3_600), 900],
    ["failing for 4 hours", failingFor(4 * 3_600), 3_600],
    ["failing for 3 days", failingFor(3 * 86_400), 3_600],
  ])("%s: %s s", (_what, endpoint, seconds) => {
    expect(cooldownSeconds(endpoint, now, isolation)).toBe(seconds);
  });

  it("probes per hour fall as the outage lasts: last hour of a 3-day outage ≤ the first", () => {
    const probesIn = (fromHour: number) => {
      let t = fromHour * 3_600;
      let probes = 0;
      while (t < (fromHour + 1) * 3_600) {
        t += cooldownSeconds(failingFor(t), now, isolation);
        probes++;
      }
      return probes;
    };
    expect(probesIn(0)).toBeGreaterThan(probesIn(71));
    expect(probesIn(71)).toBe(1);
  });
});

describe("parked tasks go round light", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack();
  });

  it("a parked task with a 100 KB body is re-sent as a pointer; a small one whole", async () => {
    const until = new Date(Date.now() + 600_000).toISOString();
    const ep = await putEndpoint(stack.deps, { org_id: uniqueOrg(), breaker_open_until: until });
    const big = taskFor(ep, { blob: "x".repeat(100_000) });
    const small = taskFor(ep);
    await putMessageOf(stack.deps, big);
    const sent: string[] = [];
    const spy = interpose(stack.deps.sqs, ({ command, input }) => {
      if (command === "SendMessageBatchCommand")
        for (const e of (input as unknown as SendMessageBatchCommandInput).Entries ?? [])
          sent.push(e.MessageBody!);
      return undefined;
    });
    try {
      const res = await createDeliveryHandler(stack.deps)(
        sqsEvent([JSON.stringify(big), JSON.stringify(small)]),
      );
      expect(res.batchItemFailures).toEqual([]);
    } finally {
      spy.restore();
    }
    const parked = sent.map((b) => JSON.parse(b));
    const bigOne = parked.find((t) => t.msg_id === big.msg_id);
    const smallOne = parked.find((t) => t.msg_id === small.msg_id);
    expect(bigOne).toMatchObject({ msg_id: big.msg_id, endpoint_id: ep.id });
    expect(bigOne.body).toBeUndefined();
    expect(Buffer.byteLength(sent.find((b) => b.includes(big.msg_id))!)).toBeLessThan(2_000);
    expect(smallOne.body).toBe(small.body);
  });

  it("a parked pointer goes round without reading its body back (no message read while the breaker is open)", async () => {
    const until = new Date(Date.now() + 600_000).toISOString();
    const ep = await putEndpoint(stack.deps, { org_id: uniqueOrg(), breaker_open_until: until });
    const big = taskFor(ep, { blob: "x".repeat(100_000) });
    await putMessageOf(stack.deps, big);
    const reads: string[] = [];
    const sent: string[] = [];
    const dbSpy = interpose(stack.deps.db.doc, ({ command, input }) => {
      if (command === "GetItemCommand") reads.push(JSON.stringify(input.Key));
      return undefined;
    });
    const sqsSpy = interpose(stack.deps.sqs, ({ command, input }) => {
      if (command === "SendMessageBatchCommand")
        for (const e of (input as unknown as SendMessageBatchCommandInput).Entries ?? [])
          sent.push(e.MessageBody!);
      return undefined;
    });
    try {
      const res = await createDeliveryHandler(stack.deps)(sqsEvent([JSON.stringify(pointerOf(big))]));
      expect(res.batchItemFailures).toEqual([]);
    } finally {
      dbSpy.restore();
      sqsSpy.restore();
    }
    expect(reads.filter((k) => k.includes(big.msg_id))).toEqual([]);
    expect(sent.map((b) => JSON.parse(b))).toEqual([{ ...pointerOf(big), attempt_base: 0 }]);
  });
});
