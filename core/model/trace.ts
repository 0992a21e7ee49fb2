/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/): the `traceparent` a producer gives
 * at publish, kept with the event, and the one each attempt sends (docs/tracing.md).
 *
 * Parsing follows the spec's rules for a receiver: a value that is not valid is ignored (the
 * spec says a vendor MUST then start a new trace, which is what ingest does), never an error.
 * Whatever the producer sent, what is stored is the version-00 form, 55 characters.
 */
import { randomBytes } from "node:crypto";

export interface TraceContext {
  /** 32 lowercase hex characters, not all zero. */
  traceId: string;
  /** The span (16 lowercase hex, not all zero) a child's parent-id names. */
  spanId: string;
  /** The trace-flags byte, 2 lowercase hex (bit 0: sampled). */
  flags: string;
}

/** The length of a version-00 `traceparent`; the stored value is always this long. */
export const TRACEPARENT_LENGTH = 55;

const V00 = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZEROS = /^0+$/;

/**
 * The trace context of a `traceparent` value, or undefined when it is absent or invalid:
 * version `ff`, upper-case hex, an all-zero trace-id or parent-id, or the wrong length (exactly
 * 55 characters for version 00; a later version may append fields after a `-`, which are dropped).
 */
export function parseTraceparent(value: string | undefined | null): TraceContext | undefined {
  if (typeof value !== "string") return undefined;
  const head = value.slice(0, TRACEPARENT_LENGTH);
  const m = V00.exec(head);
  if (!m) return undefined;
  const [, version, traceId, spanId, flags] = m as unknown as [string, string, string, string, string];
  if (version === "ff") return undefined;
  if (version === "00" ? value.length !== TRACEPARENT_LENGTH : !laterVersionTail(value)) return undefined;
  if (ZEROS.test(traceId) || ZEROS.test(spanId)) return undefined;
  return { traceId, spanId, flags };
}

/** A later version's value: exactly 55 characters, or more after a `-` (fields this version does not know). */
function laterVersionTail(value: string): boolean {
  return value.length === TRACEPARENT_LENGTH || value[TRACEPARENT_LENGTH] === "-";
}

export function formatTraceparent(ctx: TraceContext): string {
  return `00-${ctx.traceId}-${ctx.spanId}-${ctx.flags}`;
}

/** A span id: 8 random bytes (never all zero). */
export function newSpanId(): string {
  const id = randomBytes(8).toString("hex");
  return ZEROS.test(id) ? newSpanId() : id;
}

/**
 * A new trace, when the producer gave none (or an invalid one). Its first 4 bytes are the time
 * in seconds, as X-Ray's own ids are (docs/tracing.md); sampled, as an OpenTelemetry root span
 * is under the default sampler, so a receiver that follows its parent records it.
 */
export function startTrace(now: Date): TraceContext {
  const seconds = Math.floor(now.getTime() / 1000)
    .toString(16)
    .padStart(8, "0")
    .slice(-8);
  return { traceId: `${seconds}${randomBytes(12).toString("hex")}`, spanId: newSpanId(), flags: "01" };
}

/** A child span of `parent` (one per attempt): same trace and flags, a new span id. */
export function childSpan(parent: TraceContext): TraceContext {
  return { ...parent, spanId: newSpanId() };
}
