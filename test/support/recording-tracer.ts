/**
 * A tracer that keeps every span it is handed (no emulator exists for X-Ray's daemon in the
 * process; test/tracing/xray-tracer.unit.test.ts covers the real adapter over UDP): what was
 * opened, and how it was closed, or `end` undefined while it is open.
 */
import type { SpanEnd, SpanStart, Tracer } from "../../core/model/index.js";

export interface RecordedSpan extends SpanStart {
  end?: SpanEnd;
}

export function recordingTracer(): Tracer & { spans: RecordedSpan[] } {
  const spans: RecordedSpan[] = [];
  return {
    spans,
    start(start) {
      const span: RecordedSpan = { ...start };
      spans.push(span);
      return {
        end(result) {
          if (span.end) throw new Error(`span ${start.span.spanId} closed twice`);
          span.end = result;
        },
      };
    },
  };
}
