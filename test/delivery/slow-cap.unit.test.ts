/**
 * The slow lane's cap on a failing endpoint, the pure rule (core/delivery/policy/slow-cap.ts;
 * on the real delivery path: slow-cap.test.ts).
 */
import { describe, expect, it } from "vitest";
import { answered, capped, type Flight, noFlight } from "../../core/delivery/policy/slow-cap.js";

const s = { breakerFailures: 10, windowSeconds: 60 };
const NOW = 1_000_000;
const failed = (f: Flight, atMs = NOW, counted = true) => answered(f, { ok: false, counted, atMs }, s);
const flight = (fields: Partial<Flight>): Flight => ({ ...noFlight(), ...fields });

describe("slow lane cap", () => {
  it("nothing known: up to the threshold in flight", () => {
    expect(capped(flight({ inFlight: 9 }), NOW, s)).toBe(false);
    expect(capped(flight({ inFlight: 10 }), NOW, s)).toBe(true);
  });

  it("in flight plus failures in a row below the threshold", () => {
    let f = noFlight();
    for (let i = 0; i < 4; i++) f = failed(f);
    expect(f.run).toBe(4);
    expect(capped({ ...f, inFlight: 5 }, NOW, s)).toBe(false);
    expect(capped({ ...f, inFlight: 6 }, NOW, s)).toBe(true);
    for (let i = 0; i < 6; i++) f = failed(f);
    expect(capped(f, NOW, s)).toBe(true);
  });

  it("a success ends the cap, however many are in flight (a slow but healthy endpoint)", () => {
    const f = answered(
      flight({ run: 9, lastOk: false, lastAtMs: NOW }),
      { ok: true, counted: true, atMs: NOW },
      s,
    );
    expect(f).toMatchObject({ run: 0, lastOk: true });
    expect(capped({ ...f, inFlight: 500 }, NOW, s)).toBe(false);
  });

  it("the shared lane's cut is not a success but not a failure either", () => {
    const f = failed(noFlight(), NOW, false);
    expect(f).toMatchObject({ run: 0, lastOk: false });
    expect(capped({ ...f, inFlight: 10 }, NOW, s)).toBe(true);
    expect(capped({ ...f, inFlight: 9 }, NOW, s)).toBe(false);
  });

  it("a run older than the window is forgotten (the breaker opened, or another process closed it)", () => {
    let f = noFlight();
    for (let i = 0; i < 10; i++) f = failed(f, NOW);
    expect(capped(f, NOW + 59_999, s)).toBe(true);
    expect(capped(f, NOW + 60_000, s)).toBe(false);
    expect(failed(f, NOW + 60_000).run).toBe(1);
  });
});
