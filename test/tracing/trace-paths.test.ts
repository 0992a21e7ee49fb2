/**
 * The event's trace kept on every way a delivery is sent again (docs/tracing.md "Carried through
 * every step"), on the local stack: a recover task, a replay task and a DLQ redrive task each
 * send the failed event again with the publisher's trace id in the receiver's `traceparent`
 * (an endpoint with send_traceparent), a new span id, and the trace id on the attempt's log line.
 * (The ordered lane: test/delivery/ordered-lane.unit.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { parseTraceparent } from "../../core/model/index.js";
import { createTestOrg, type TestOrg } from "../support/api.js";
import { logLinesOf, useLogCapture } from "../support/capture.js";
import { useHarness } from "../support/delivery.js";
import type { Receiver } from "../support/receiver.js";
import { runTaskToEnd } from "../support/tasks.js";
import { waitFor } from "../support/wait.js";

const h = useHarness();
const TRACE = "0af7651916cd43dd8448eb211c80319c";
const PRODUCER_SPAN = "b7ad6b7169203331";

const capture = useLogCapture();

/** The delivery attempts' log lines of one event. */
function attemptLines(msgId: string): Record<string, unknown>[] {
  return logLinesOf(capture, msgId).filter((l) => String(l.message).startsWith("delivery attempt"));
}

/**
 * An event published with the producer's traceparent to an endpoint (send_traceparent on,
 * no retries) whose receiver fails it first: its delivery ends failed.
 */
async function failedEvent(org: TestOrg, r: Receiver) {
  const ep = await org.request("POST", "/v1/webhook-endpoints", {
    url: r.url,
    max_retries: 0,
    send_traceparent: true,
  });
  expect(ep.status).toBe(201);
  const before = new Date(Date.now() - 1000).toISOString();
  const pub = await org.request(
    "POST",
    "/v1/events",
    { type: "telephony.complete", data: { n: 1 } },
    { traceparent: `00-${TRACE}-${PRODUCER_SPAN}-01` },
  );
  expect(pub.status).toBe(202);
  const id = pub.body.id as string;
  await waitFor(
    async () => (await org.request("GET", `/v1/events/${id}`)).body.deliveries?.[0]?.status === "failed",
    {
      what: `${id} failed`,
      timeoutMs: 60_000,
    },
  );
  return { id, endpointId: ep.body.id as string, since: before };
}

/** The second request (the one sent again) carries the event's trace, a span of its own, and so does its log line. */
async function expectTraceKept(r: Receiver, id: string, endpointId: string) {
  const [first, again] = await r.waitForRequests(2, 60_000);
  expect(again!.headers["webhook-id"]).toBe(id);
  const spans = [first!, again!].map((q) => parseTraceparent(q.headers.traceparent as string)!);
  expect(spans.map((s) => [s.traceId, s.flags])).toEqual([
    [TRACE, "01"],
    [TRACE, "01"],
  ]);
  expect(new Set([PRODUCER_SPAN, spans[0]!.spanId, spans[1]!.spanId]).size).toBe(3);
  const lines = await waitFor(() => {
    const l = attemptLines(id).filter((x) => x.span_id === spans[1]!.spanId);
    return l.length > 0 ? l : undefined;
  });
  expect(lines[0]).toMatchObject({ trace_id: TRACE, msg_id: id, endpoint_id: endpointId });
}

describe("the trace kept when a delivery is sent again", { timeout: 180_000 }, () => {
  it("by a recover task", async () => {
    const org = await createTestOrg(h.stack);
    const r = await h.receiver({ plan: [{ status: 500 }] });
    const { id, endpointId, since } = await failedEvent(org, r);
    const started = await org.request("POST", `/v1/webhook-endpoints/${endpointId}/recover`, { since });
    expect(started.status).toBe(202);
    expect(await runTaskToEnd(h.deps, org, started.body.task_id)).toMatchObject({
      status: "succeeded",
      done: 1,
    });
    await expectTraceKept(r, id, endpointId);
  });

  it("by a replay task", async () => {
    const org = await createTestOrg(h.stack);
    const r = await h.receiver({ plan: [{ status: 500 }] });
    const { id, endpointId, since } = await failedEvent(org, r);
    const started = await org.request("POST", `/v1/webhook-endpoints/${endpointId}/replay`, {
      since,
      status: "failed",
    });
    expect(started.status).toBe(202);
    expect(await runTaskToEnd(h.deps, org, started.body.task_id)).toMatchObject({
      status: "succeeded",
      done: 1,
    });
    await expectTraceKept(r, id, endpointId);
  });

  it("by a DLQ redrive task", async () => {
    const platform = await createTestOrg(h.stack);
    const previous = h.deps.config.platformOrgId;
    h.deps.config.platformOrgId = platform.orgId;
    try {
      const org = await createTestOrg(h.stack);
      const r = await h.receiver({ plan: [{ status: 500 }] });
      const { id, endpointId } = await failedEvent(org, r);
      // Only this endpoint's letter (the DLQ is shared by the file's tests); until one run finds
      // it, as the letter may reach the DLQ just after the delivery's state says failed.
      await waitFor(
        async () => {
          const started = await platform.request("POST", "/v1/dlq/redrive", { endpoint_id: endpointId });
          expect(started.status).toBe(202);
          const t = await runTaskToEnd(h.deps, platform, started.body.task_id);
          return t.done >= 1 ? t : undefined;
        },
        { what: "the letter redriven", timeoutMs: 90_000 },
      );
      await expectTraceKept(r, id, endpointId);
    } finally {
      h.deps.config.platformOrgId = previous;
    }
  });
});
