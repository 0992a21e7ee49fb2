/**
 * The production ingest and delivery code on in-memory adapters (core/compose.ts
 * createMemoryContext): no emulator, a clock the test moves. An event goes through the
 * ingest queue, the ingest handler, the delivery queue and the delivery handler to a
 * recording destination, and the attempt is in the log; a failure waits on the queue for
 * its retry delay and is delivered when the clock reaches it.
 */
import { describe, expect, it } from "vitest";
import { eventAttempts } from "../../core/delivery/index.js";
import { putEndpointRecord } from "../support/endpoints.js";
import { memoryStack } from "../support/memory-stack.js";

describe("delivery on in-memory adapters", () => {
  it("delivers a published event to its endpoint and logs the attempt", async () => {
    const s = memoryStack();
    const ep = await putEndpointRecord(s.deps, { org_id: "org_mem", url: "https://receiver.test/hook" });
    await s.publish({ org_id: "org_mem", type: "telephony.complete", data: { call_id: "c1" } });
    await s.drain();

    expect(s.destination.requests).toHaveLength(1);
    const req = s.destination.requests[0]!;
    expect(req.url).toBe("https://receiver.test/hook");
    expect(JSON.parse(req.body)).toMatchObject({ type: "telephony.complete", data: { call_id: "c1" } });
    expect(req.headers["webhook-signature"]).toMatch(/^v1,/);
    const msgId = req.headers["webhook-id"]!;
    const log = await eventAttempts(s.deps, "org_mem", msgId, { limit: 50 });
    expect(log.attempts.map((a) => [a.endpoint_id, a.attempt, a.success, a.status_code])).toEqual([
      [ep.id, 1, true, 200],
    ]);
    expect(s.queue.depth("delivery")).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it("retries a 5xx after its delay, on the clock, and records both attempts", async () => {
    let calls = 0;
    const s = memoryStack(() => (++calls === 1 ? { status: 503 } : {}));
    await putEndpointRecord(s.deps, { org_id: "org_mem", url: "https://receiver.test/hook" });
    await s.publish({ org_id: "org_mem", type: "telephony.complete", data: {} });
    await s.drain();
    expect(s.destination.requests).toHaveLength(1);
    expect(s.queue.depth("delivery").inFlight).toBe(1);

    s.advance(s.queue.nextVisibleAt("delivery")! - s.deps.now().getTime());
    await s.drain();
    expect(s.destination.requests).toHaveLength(2);
    const msgId = s.destination.requests[0]!.headers["webhook-id"]!;
    const log = await eventAttempts(s.deps, "org_mem", msgId, { limit: 50 });
    expect(log.attempts.map((a) => [a.attempt, a.status_code]).sort()).toEqual([
      [1, 503],
      [2, 200],
    ]);
  });
});
