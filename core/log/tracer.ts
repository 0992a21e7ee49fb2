/**
 * Which tracer a process uses, and the one way code opens a span (docs/tracing.md, "Spans"):
 * X-Ray's daemon where Lambda runs one (AWS_XRAY_DAEMON_ADDRESS, set with active tracing), and
 * otherwise a tracer that does nothing: locally the ids are in the log lines, and no span is kept.
 */
import type { SpanEnd, SpanStart, Tracer } from "../model/index.js";
import { xrayTracer } from "./xray-tracer.js";

export const noopTracer: Tracer = { start: () => ({ end() {} }) };

export function tracerFor(opts: {
  xrayDaemonAddress?: string;
  samplePercent: number;
  now: () => Date;
}): Tracer {
  if (!opts.xrayDaemonAddress || opts.samplePercent <= 0) return noopTracer;
  return xrayTracer({
    daemonAddress: opts.xrayDaemonAddress,
    samplePercent: opts.samplePercent,
    now: opts.now,
  });
}

/**
 * Runs `fn` in a span: opened before, closed after with what `endOf` tells of the result, or with
 * the error `fn` threw (which is thrown on).
 */
export async function inSpan<T>(
  deps: { tracer: Tracer; now: () => Date },
  start: SpanStart,
  fn: () => Promise<T>,
  endOf: (result: T) => Omit<SpanEnd, "endedAt">,
): Promise<T> {
  const span = deps.tracer.start(start);
  try {
    const result = await fn();
    span.end({ endedAt: deps.now(), ...endOf(result) });
    return result;
  } catch (err) {
    span.end({ endedAt: deps.now(), error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
}
