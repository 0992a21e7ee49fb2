/**
 * The tracer on AWS: each span is an X-Ray segment document of the event's own trace, sent to
 * the X-Ray daemon Lambda runs next to every function with active tracing
 * (`AWS_XRAY_DAEMON_ADDRESS`), which forwards it with PutTraceSegments (docs/tracing.md,
 * "Spans"). The daemon protocol is one UDP datagram per document, after a one-line header.
 *
 * Not the X-Ray SDK (or Powertools' Tracer, built on it): in Lambda it only adds subsegments
 * to the invocation's own segment, so an attempt could not be a span of the event's trace, and
 * it reaches its end of support in February 2027. What is written here is the documented
 * segment format and a datagram; docs/tracing.md says why not OpenTelemetry.
 */
import { createSocket, type Socket } from "node:dgram";
import type { OpenSpan, SpanEnd, SpanStart, TraceContext, Tracer } from "../model/index.js";
import { logger } from "./logger.js";

const HEADER = '{"format":"json","version":1}\n';
/** X-Ray refuses a trace whose id says it started more than 30 days ago. */
const MAX_TRACE_AGE_S = 30 * 86_400;
/** A trace "started" a little in the future: another machine's clock. */
const CLOCK_SKEW_S = 300;

export interface XrayTracerOptions {
  /** `host:port`, or Lambda's `udp:host:port tcp:host:port` form. */
  daemonAddress: string;
  /** The share of traces whose spans are sent, in percent (TRACE_SAMPLE_PERCENT). */
  samplePercent: number;
  now: () => Date;
}

/** The X-Ray form of a W3C trace id: version 1, the first 8 hex digits (the time), the other 24. */
export function xrayTraceId(traceId: string): string {
  return `1-${traceId.slice(0, 8)}-${traceId.slice(8)}`;
}

/**
 * Whether the spans of this trace are sent: the trace is sampled (its flags' bit 0), it falls in
 * the sampled share (by its last 8 hex digits, random in any trace id, so every span of one event
 * is kept or dropped together, in every function), and X-Ray would take it (the time its first 8
 * hex digits hold is within the last 30 days: true of every trace hookrelay starts, not of a
 * producer's id made without that rule, nor of an event replayed after 30 days).
 */
export function spanSent(trace: TraceContext, percent: number, now: Date): boolean {
  if ((Number.parseInt(trace.flags, 16) & 1) === 0) return false;
  if (Number.parseInt(trace.traceId.slice(-8), 16) / 0x1_0000_0000 >= percent / 100) return false;
  const age = now.getTime() / 1000 - Number.parseInt(trace.traceId.slice(0, 8), 16);
  return age <= MAX_TRACE_AGE_S && age >= -CLOCK_SKEW_S;
}

/** The segment document of a closed span: a child of its parent span (none: a root), annotated for search. */
export function segmentDocument(start: SpanStart, end: SpanEnd): Record<string, unknown> {
  return {
    name: start.name,
    id: start.span.spanId,
    trace_id: xrayTraceId(start.span.traceId),
    ...(start.parentId !== undefined ? { parent_id: start.parentId } : {}),
    start_time: start.startedAt.getTime() / 1000,
    end_time: end.endedAt.getTime() / 1000,
    annotations: { ...start.annotations, ...end.annotations },
    ...(end.error !== undefined ? { error: true, cause: { exceptions: [{ message: end.error }] } } : {}),
  };
}

/** `udp:169.254.79.129:2000 tcp:…` or `169.254.79.129:2000` → where the datagrams go. */
export function daemonUdpAddress(value: string): { host: string; port: number } | undefined {
  const udp = value.split(/\s+/).find((p) => p.startsWith("udp:")) ?? value.split(/\s+/)[0]!;
  const m = /^(?:udp:)?([^:\s]+):(\d+)$/.exec(udp);
  return m ? { host: m[1]!, port: Number(m[2]) } : undefined;
}

export function xrayTracer(opts: XrayTracerOptions): Tracer {
  const address = daemonUdpAddress(opts.daemonAddress);
  let socket: Socket | undefined;
  const send = (doc: Record<string, unknown>) => {
    if (!address) return;
    // One socket per process, unref'd: it never keeps a process (or a test) alive.
    socket ??= createSocket("udp4").unref();
    socket.send(`${HEADER}${JSON.stringify(doc)}`, address.port, address.host, (err) => {
      // A lost span is not worth a failed delivery: UDP, like the SDKs, and a debug line.
      if (err) logger.debug("span not sent to the X-Ray daemon", { error: err.message });
    });
  };
  if (!address) logger.warn("AWS_XRAY_DAEMON_ADDRESS not understood; no spans are sent");
  const none: OpenSpan = { end() {} };
  return {
    start(start) {
      if (!spanSent(start.span, opts.samplePercent, opts.now())) return none;
      return { end: (end) => send(segmentDocument(start, end)) };
    },
  };
}
