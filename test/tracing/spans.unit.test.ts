/**
 * Spans (docs/tracing.md "Spans"): the production ingest and delivery handlers on the in-memory
 * context, with a recording tracer in the tracer port. Each attempt opens a span of the event's
 * trace before its request and closes it after, annotated with the trace id, msg_id,
 * endpoint_id and attempt; the span's id is the parent-id the receiver gets. Ingest opens one
 * per stored event. Without X-Ray's daemon (locally) the port does nothing.
 */
import { describe, expect, it } from "vitest";
import { createMemoryContext } from "../../core/compose.js";
import { createDeliveryHandler, memoryDestination } from "../../core/delivery/index.js";
import { createIngestHandler } from "../../core/events/index.js";
import { noopTracer, tracerFor } from "../../core/log/index.js";
import type { SendRequest } from "../../core/model/index.js";
import { createTestOrg } from "../support/api.js";
import { recordingTracer } from "../support/recording-tracer.js";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const PRODUCER_SPAN = "00f067aa0ba902b7";

function tracedStack(fails: number) {
  let clock = Date.parse("2026-01-01T00:00:00Z");
  const now = () => new Date(clock);
  const tracer = recordingTracer();
  let left = fails;
  // The span must be open while the request is made.
  const openAtSend: boolean[] = [];
  const destination = memoryDestination((_req: SendRequest) => {
    openAtSend.push(tracer.spans.at(-1)?.end === undefined);
    return left-- > 0 ? { status: 503 } : { status: 204 };
  });
  const ctx = createMemoryContext({ now, destination, tracer, env: { RETRY_SCHEDULE: "1" } });
  const ingest = createIngestHandler(ctx.deps);
  const deliver = createDeliveryHandler(ctx.deps);
  const drain = async () => {
    while ((await ctx.queue.invoke("ingest", ingest)) + (await ctx.queue.invoke("delivery", deliver)) > 0);
  };
  const next = async () => {
    const at = ctx.queue.nextVisibleAt("delivery");
    if (at === undefined) return false;
    clock = Math.max(clock, at);
    await drain();
    return true;
  };
  const org = () => createTestOrg({ env: {}, config: ctx.deps.config, deps: ctx.deps });
  return { ...ctx, tracer, destination, openAtSend, drain, next, org };
}

describe("spans of an event's trace", () => {
  it("each attempt opens a span before its request and closes it after, annotated, a child of the producer's span", async () => {
    const s = tracedStack(1);
    const org = await s.org();
    const ep = await org.request("POST", "/v1/webhook-endpoints", {
      url: "https://example.test/hook",
      send_traceparent: true,
    });
    expect(ep.status).toBe(201);
    const res = await org.request(
      "POST",
      "/v1/events",
      { type: "voice.call.ended", data: { n: 1 } },
      { traceparent: `00-${TRACE}-${PRODUCER_SPAN}-01` },
    );
    expect(res.status).toBe(202);
    await s.drain();
    while (await s.next());

    const attempts = s.tracer.spans.filter((x) => x.name === "hookrelay.delivery.attempt");
    expect(attempts.map((a) => a.annotations)).toEqual([
      {
        trace_id: TRACE,
        org_id: org.orgId,
        msg_id: res.body.id,
        endpoint_id: ep.body.id,
        event_type: "voice.call.ended",
        attempt: 1,
        trigger: "event",
      },
      expect.objectContaining({ trace_id: TRACE, msg_id: res.body.id, endpoint_id: ep.body.id, attempt: 2 }),
    ]);
    expect(s.openAtSend).toEqual([true, true]);
    const [first, second] = attempts;
    expect(first!.end).toMatchObject({
      error: expect.any(String),
      annotations: { ok: false, status_code: 503 },
    });
    expect(second!.end).toMatchObject({ annotations: { ok: true, status_code: 204 } });
    expect(second!.end!.error).toBeUndefined();
    for (const a of attempts) {
      expect(a.span.traceId).toBe(TRACE);
      expect(a.parentId).toBe(PRODUCER_SPAN);
      expect(a.end!.endedAt.getTime()).toBeGreaterThanOrEqual(a.startedAt.getTime());
    }
    // The receiver's traceparent names the attempt's span as its parent.
    expect(s.destination.requests.map((r) => r.headers.traceparent)).toEqual(
      attempts.map((a) => `00-${TRACE}-${a.span.spanId}-01`),
    );
    expect(new Set(attempts.map((a) => a.span.spanId)).size).toBe(2);
  });

  it("ingest opens and closes a span per stored event, with its targets; a duplicate publish too, not created", async () => {
    const s = tracedStack(0);
    const org = await s.org();
    await org.request("POST", "/v1/webhook-endpoints", { url: "https://example.test/hook" });
    const body = { id: "order-1", type: "voice.call.ended", data: { n: 1 } };
    const traceparent = `00-${TRACE}-${PRODUCER_SPAN}-01`;
    const first = await org.request("POST", "/v1/events", body, { traceparent });
    await org.request("POST", "/v1/events", body, { traceparent });
    const ingests = s.tracer.spans.filter((x) => x.name === "hookrelay.ingest");
    expect(ingests.map((i) => [i.annotations, i.end?.annotations])).toEqual([
      [
        { trace_id: TRACE, org_id: org.orgId, msg_id: first.body.id, event_type: "voice.call.ended" },
        { created: true, targets: 1 },
      ],
      [expect.objectContaining({ trace_id: TRACE }), { created: false, targets: 0 }],
    ]);
    expect(ingests.every((i) => i.parentId === PRODUCER_SPAN && i.span.traceId === TRACE)).toBe(true);
  });

  it("a trace ingest starts (no traceparent, or an invalid one) has the ingest span as its root, the attempts under it", async () => {
    const s = tracedStack(0);
    const org = await s.org();
    await org.request("POST", "/v1/webhook-endpoints", { url: "https://example.test/hook" });
    const given: Record<string, string>[] = [
      {},
      { traceparent: `00-${TRACE.toUpperCase()}-${PRODUCER_SPAN}-01` },
    ];
    for (const headers of given)
      expect(
        (await org.request("POST", "/v1/events", { type: "voice.call.ended", data: {} }, headers)).status,
      ).toBe(202);
    await s.drain();
    const ingests = s.tracer.spans.filter((x) => x.name === "hookrelay.ingest");
    const attempts = s.tracer.spans.filter((x) => x.name === "hookrelay.delivery.attempt");
    expect(ingests).toHaveLength(2);
    for (const ingest of ingests) {
      expect(ingest.parentId).toBeUndefined();
      expect(ingest.span.traceId).not.toBe(TRACE);
      const attempt = attempts.find((a) => a.annotations.msg_id === ingest.annotations.msg_id);
      expect(attempt).toMatchObject({ parentId: ingest.span.spanId, span: { traceId: ingest.span.traceId } });
    }
  });

  it("locally (no X-Ray daemon) the port does nothing", () => {
    expect(createMemoryContext().deps.tracer).toBe(noopTracer);
    expect(tracerFor({ samplePercent: 100, now: () => new Date() })).toBe(noopTracer);
    expect(tracerFor({ xrayDaemonAddress: "127.0.0.1:2000", samplePercent: 0, now: () => new Date() })).toBe(
      noopTracer,
    );
  });
});
