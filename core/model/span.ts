/**
 * The tracer port (docs/tracing.md, "Spans"): a span of an event's trace per delivery attempt
 * and per ingest. X-Ray on AWS (core/log/xray-tracer.ts), nothing locally (core/log/tracer.ts);
 * tests record them. Spans are data handed to the port, opened and closed by the code doing the
 * work; no adapter reaches into the services.
 */
import type { TraceContext } from "./trace.js";

/** What an X-Ray annotation (and an OpenTelemetry attribute) may hold. */
export type SpanAnnotations = Record<string, string | number | boolean>;

export interface SpanStart {
  name: "hookrelay.delivery.attempt" | "hookrelay.ingest";
  /** The span's own context: the event's trace id and flags, this span's id. */
  span: TraceContext;
  /**
   * The span it is a child of: the producer's (the event's stored `traceparent`), or the ingest
   * span for an attempt of a trace ingest started; none for that ingest span, the trace's root.
   */
  parentId?: string;
  startedAt: Date;
  annotations: SpanAnnotations;
}

export interface SpanEnd {
  endedAt: Date;
  /** Set when the work failed (an attempt's error, an ingest that threw). */
  error?: string;
  /** Known only at the end: an attempt's HTTP status, an ingest's number of targets. */
  annotations?: SpanAnnotations;
}

export interface OpenSpan {
  end(result: SpanEnd): void;
}

export interface Tracer {
  start(span: SpanStart): OpenSpan;
}
