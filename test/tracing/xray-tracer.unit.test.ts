/**
 * The X-Ray tracer (core/log/xray-tracer.ts) against a UDP socket on 127.0.0.1 standing in for
 * X-Ray's daemon: each closed span arrives as one datagram, the daemon protocol's header line
 * then the segment document of the event's trace. And which traces are sent (spanSent).
 */
import { createSocket } from "node:dgram";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import {
  daemonUdpAddress,
  segmentDocument,
  spanSent,
  xrayTraceId,
  xrayTracer,
} from "../../core/log/xray-tracer.js";
import { startTrace } from "../../core/model/index.js";
import { waitFor } from "../support/wait.js";

const daemon = createSocket("udp4");
const received: string[] = [];
daemon.on("message", (msg) => received.push(msg.toString("utf8")));
const port = await new Promise<number>((resolve) =>
  daemon.bind(0, "127.0.0.1", () => resolve((daemon.address() as AddressInfo).port)),
);
afterAll(() => new Promise<void>((resolve) => daemon.close(() => resolve())));

const now = new Date("2026-03-01T10:00:00.000Z");
/** A trace hookrelay started 10 s ago whose last 8 hex digits put it in a 1 % sample. */
const trace = { ...startTrace(new Date(now.getTime() - 10_000)), flags: "01" };
const inSample = { ...trace, traceId: `${trace.traceId.slice(0, 24)}00000001` };

describe("the X-Ray tracer", () => {
  it("sends a closed span to the daemon as a segment of the event's trace", async () => {
    const tracer = xrayTracer({
      daemonAddress: `udp:127.0.0.1:${port} tcp:127.0.0.1:${port}`,
      samplePercent: 1,
      now: () => now,
    });
    const span = { ...inSample, spanId: "53995c3f42cd8ad8" };
    const open = tracer.start({
      name: "hookrelay.delivery.attempt",
      span,
      parentId: "00f067aa0ba902b7",
      startedAt: new Date(now.getTime() - 250),
      annotations: { trace_id: span.traceId, msg_id: "msg_1", endpoint_id: "ep_1", attempt: 2 },
    });
    expect(received).toEqual([]);
    open.end({ endedAt: now, error: "HTTP 503", annotations: { ok: false, status_code: 503 } });
    const [datagram] = await waitFor(() => (received.length > 0 ? received : undefined), {
      what: "a datagram",
    });
    const [header, body, ...rest] = datagram!.split("\n");
    expect(rest).toEqual([]);
    expect(JSON.parse(header!)).toEqual({ format: "json", version: 1 });
    expect(JSON.parse(body!)).toEqual({
      name: "hookrelay.delivery.attempt",
      id: "53995c3f42cd8ad8",
      trace_id: `1-${span.traceId.slice(0, 8)}-${span.traceId.slice(8)}`,
      parent_id: "00f067aa0ba902b7",
      start_time: (now.getTime() - 250) / 1000,
      end_time: now.getTime() / 1000,
      annotations: {
        trace_id: span.traceId,
        msg_id: "msg_1",
        endpoint_id: "ep_1",
        attempt: 2,
        ok: false,
        status_code: 503,
      },
      error: true,
      cause: { exceptions: [{ message: "HTTP 503" }] },
    });
  });

  it("a root span (the ingest of a trace hookrelay started) has no parent_id", () => {
    expect(
      segmentDocument(
        { name: "hookrelay.ingest", span: inSample, startedAt: now, annotations: {} },
        { endedAt: now },
      ),
    ).not.toHaveProperty("parent_id");
  });

  it("sends nothing for a trace outside the sample", async () => {
    received.length = 0;
    const tracer = xrayTracer({ daemonAddress: `127.0.0.1:${port}`, samplePercent: 1, now: () => now });
    const out = { ...trace, traceId: `${trace.traceId.slice(0, 24)}ffffffff` };
    tracer
      .start({
        name: "hookrelay.ingest",
        span: out,
        parentId: "00f067aa0ba902b7",
        startedAt: now,
        annotations: {},
      })
      .end({ endedAt: now });
    // A span in the sample sent after it arrives alone: the first was never sent.
    tracer
      .start({
        name: "hookrelay.ingest",
        span: inSample,
        parentId: "00f067aa0ba902b7",
        startedAt: now,
        annotations: {},
      })
      .end({ endedAt: now });
    await waitFor(() => (received.length > 0 ? true : undefined), { what: "the sampled span" });
    expect(received.map((d) => JSON.parse(d.split("\n")[1]!).trace_id)).toEqual([
      xrayTraceId(inSample.traceId),
    ]);
  });

  it("spanSent: sampled flag, the share by the trace id's last 8 hex digits, X-Ray's 30 days", () => {
    expect(spanSent(inSample, 1, now)).toBe(true);
    expect(spanSent({ ...inSample, flags: "00" }, 100, now)).toBe(false);
    expect(spanSent({ ...trace, traceId: `${trace.traceId.slice(0, 24)}028f5c28` }, 1, now)).toBe(true);
    expect(spanSent({ ...trace, traceId: `${trace.traceId.slice(0, 24)}028f5c29` }, 1, now)).toBe(false);
    expect(spanSent(inSample, 0, now)).toBe(false);
    const old = startTrace(new Date(now.getTime() - 31 * 86_400_000));
    expect(spanSent({ ...old, traceId: `${old.traceId.slice(0, 24)}00000001` }, 100, now)).toBe(false);
    // A producer's id whose first 8 hex digits are not a recent time: X-Ray would refuse it.
    expect(spanSent({ ...inSample, traceId: `4bf92f35${inSample.traceId.slice(8)}` }, 100, now)).toBe(false);
  });

  it("reads the daemon's address in both of Lambda's forms", () => {
    expect(daemonUdpAddress("169.254.79.129:2000")).toEqual({ host: "169.254.79.129", port: 2000 });
    expect(daemonUdpAddress("udp:127.0.0.1:2000 tcp:127.0.0.1:2001")).toEqual({
      host: "127.0.0.1",
      port: 2000,
    });
    expect(daemonUdpAddress("tcp:127.0.0.1:2001 udp:127.0.0.1:2000")).toEqual({
      host: "127.0.0.1",
      port: 2000,
    });
    expect(daemonUdpAddress("nonsense")).toBeUndefined();
  });
});
