/** W3C Trace Context parsing (core/model/trace.ts): what a receiver must accept and ignore. */
import { describe, expect, it } from "vitest";
import {
  childSpan,
  formatTraceparent,
  parseTraceparent,
  startTrace,
  TRACEPARENT_LENGTH,
} from "../../core/model/trace.js";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN = "00f067aa0ba902b7";
const valid = `00-${TRACE}-${SPAN}-01`;

describe("parseTraceparent", () => {
  it("reads a version-00 value", () => {
    expect(parseTraceparent(valid)).toEqual({ traceId: TRACE, spanId: SPAN, flags: "01" });
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-00`)?.flags).toBe("00");
  });

  it("reads a later version's first fields and drops what follows a dash", () => {
    expect(parseTraceparent(`cc-${TRACE}-${SPAN}-01`)).toEqual({ traceId: TRACE, spanId: SPAN, flags: "01" });
    expect(parseTraceparent(`cc-${TRACE}-${SPAN}-01-what-the-future-holds`)?.traceId).toBe(TRACE);
    expect(parseTraceparent(`cc-${TRACE}-${SPAN}-01.extra`)).toBeUndefined();
  });

  it.each([
    ["absent", undefined],
    ["empty", ""],
    ["version ff", `ff-${TRACE}-${SPAN}-01`],
    ["upper-case hex", `00-${TRACE.toUpperCase()}-${SPAN}-01`],
    ["all-zero trace id", `00-${"0".repeat(32)}-${SPAN}-01`],
    ["all-zero parent id", `00-${TRACE}-${"0".repeat(16)}-01`],
    ["version 00 with more after it", `${valid}-00`],
    ["too short", valid.slice(0, -1)],
    ["a short trace id", `00-${TRACE.slice(1)}-${SPAN}-01`],
    ["not hex", `00-${TRACE.slice(0, -1)}g-${SPAN}-01`],
    ["two values joined (repeated header)", `${valid}, ${valid}`],
    ["spaces inside", `00 -${TRACE}-${SPAN}-01`],
    ["a long value", "x".repeat(10_000)],
  ])("ignores %s", (_what, value) => {
    expect(parseTraceparent(value)).toBeUndefined();
  });
});

describe("new traces and spans", () => {
  it("start a valid, sampled trace whose id begins with the time (as X-Ray's do)", () => {
    const now = new Date("2026-12-07T03:00:00Z");
    const t = startTrace(now);
    const text = formatTraceparent(t);
    expect(text).toHaveLength(TRACEPARENT_LENGTH);
    expect(parseTraceparent(text)).toEqual(t);
    expect(t.flags).toBe("01");
    expect(Number.parseInt(t.traceId.slice(0, 8), 16)).toBe(now.getTime() / 1000);
    expect(startTrace(now).traceId).not.toBe(t.traceId);
  });

  it("a child keeps the trace and flags with a new span id", () => {
    const parent = parseTraceparent(valid)!;
    const a = childSpan(parent);
    const b = childSpan(parent);
    expect(a).toMatchObject({ traceId: TRACE, flags: "01" });
    expect(a.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set([SPAN, a.spanId, b.spanId]).size).toBe(3);
  });
});
