/**
 * When a resume run's holder schedules its next run (core/delivery/resume-run.ts `nextRunAfter`):
 * when more remain, or when a run refused while it ran asked it to cover its cause; never
 * otherwise (the refused run scheduled nothing of its own); after its lease when its release
 * failed (whether one asked is unknown, and a run before the lease's end would be refused).
 */
import { expect, it } from "vitest";
import { nextRunAfter } from "../../core/delivery/resume-run.js";

const more = { sent: 1_000, more: true, nextAfterSeconds: 5 };
const done = { sent: 3, more: false, nextAfterSeconds: 0 };

it("more remain: a next run as the pages arrive, asked or not", () => {
  expect(nextRunAfter(more, "quiet", 60)).toBe(5);
  expect(nextRunAfter(more, "asked", 60)).toBe(5);
});

it("nothing more: a next run only when a refused run asked", () => {
  expect(nextRunAfter(done, "quiet", 60)).toBeUndefined();
  expect(nextRunAfter(done, "asked", 60)).toBe(0);
});

it("not released: a next run after the lease, whatever remains", () => {
  expect(nextRunAfter(done, "unknown", 60)).toBe(60);
  expect(nextRunAfter({ ...more, nextAfterSeconds: 90 }, "unknown", 60)).toBe(90);
});
