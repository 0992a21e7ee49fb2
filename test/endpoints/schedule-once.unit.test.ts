/**
 * core/endpoints/schedule-once.ts: a schedule asked once per key per owner while it holds (the
 * waiting run of an endpoint's minute, the retention guard's resume), asked again once refused;
 * a refusal is logged and answered false, never thrown.
 */
import { describe, expect, it } from "vitest";
import { scheduled, scheduleOnce } from "../../core/endpoints/index.js";

/** An ask the test answers: how many were made, and the resolver of the last. */
function asks() {
  const made: Array<(ok: boolean) => void> = [];
  return { made, ask: () => new Promise<boolean>((resolve) => made.push(resolve)) };
}

describe("scheduleOnce", () => {
  it("asks once per key while the ask is in flight and after it was made", async () => {
    const once = scheduleOnce<object>(10);
    const owner = {};
    const a = asks();
    const both = [once(owner, "org/ep/1", a.ask), once(owner, "org/ep/1", a.ask)];
    expect(a.made).toHaveLength(1);
    a.made[0]!(true);
    expect(await Promise.all(both)).toEqual([true, true]);
    expect(await once(owner, "org/ep/1", a.ask)).toBe(true);
    expect(a.made).toHaveLength(1);
    // Another key (the next minute) and another owner (another stack) ask on their own.
    void once(owner, "org/ep/2", a.ask);
    void once({}, "org/ep/1", a.ask);
    expect(a.made).toHaveLength(3);
  });

  it("forgets an ask that came back false: the next one asks again", async () => {
    const once = scheduleOnce<object>(10);
    const owner = {};
    const a = asks();
    const first = once(owner, "k", a.ask);
    a.made[0]!(false);
    expect(await first).toBe(false);
    const second = once(owner, "k", a.ask);
    expect(a.made).toHaveLength(2);
    a.made[1]!(true);
    expect(await second).toBe(true);
  });

  it("forgets an ask that threw: its caller gets the error, the next one asks again", async () => {
    const once = scheduleOnce<object>(10);
    const owner = {};
    const threw = once(owner, "k", async () => {
      throw new Error("ThrottlingException");
    });
    await expect(threw).rejects.toThrow("ThrottlingException");
    expect(await once(owner, "k", async () => true)).toBe(true);
  });

  it("is bounded: past maxEntries the oldest key is asked again", async () => {
    const once = scheduleOnce<object>(2);
    const owner = {};
    let calls = 0;
    const ask = async () => {
      calls++;
      return true;
    };
    for (const k of ["a", "b", "c", "a"]) await once(owner, k, ask);
    expect(calls).toBe(4);
  });
});

describe("scheduled", () => {
  it("is true once the schedule is made, false (not thrown) when it is refused", async () => {
    const ids = { org_id: "org", endpoint_id: "ep" };
    expect(await scheduled(async () => {}, "refused", ids)).toBe(true);
    expect(
      await scheduled(
        async () => {
          throw new Error("ThrottlingException");
        },
        "refused",
        ids,
      ),
    ).toBe(false);
  });
});
