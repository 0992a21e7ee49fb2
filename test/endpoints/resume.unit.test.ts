/** One resume run for every reason a delivery is parked: when it starts and what names it. */
import { describe, expect, it } from "vitest";
import { type ResumeCause, resumeRun } from "../../core/endpoints/resume.js";

const now = new Date("2026-01-01T12:00:00Z");
const cacheSeconds = 5;
const until = new Date(now.getTime() + 3_600_000).toISOString();

describe("resumeRun", () => {
  const rows: [string, ResumeCause, { afterSeconds: number; key: string }][] = [
    [
      "unparked (re-enabled, or active after a pause): after the cache's lifetime, named by its time",
      { kind: "unparked" },
      { afterSeconds: 7, key: String(now.getTime() + 7_000) },
    ],
    [
      "breaker closed: after the cache's lifetime, one run per closed breaker",
      { kind: "breaker-closed", openUntil: until },
      { afterSeconds: 7, key: `closed-${Date.parse(until)}` },
    ],
    [
      "a long-open breaker may half-open: then, one run per cooldown",
      { kind: "half-open", openUntil: until },
      { afterSeconds: 3600, key: `wake-${Date.parse(until)}` },
    ],
    [
      "more left by a run: the next at once",
      { kind: "more" },
      { afterSeconds: 0, key: String(now.getTime()) },
    ],
  ];
  it.each(rows)("%s", (_why, cause, expected) => {
    expect(resumeRun(cause, now, cacheSeconds)).toEqual(expected);
  });
});
