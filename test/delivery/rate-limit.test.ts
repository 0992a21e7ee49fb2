/**
 * Per-endpoint `rate_limit` across concurrent delivery processes (issue 11) and as the
 * receiver sees it (issue #23, item 18): two delivery handlers, each with its own clients and
 * caches (as two Lambda instances), poll the same queue and table. The evidence is the real
 * receiver's arrival times: no rolling second (at any boundary) holds more than the limit,
 * every delivery arrived once, and the tasks sent back for later burnt no attempt.
 */
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeps } from "../../core/compose.js";
import { createDeliveryHandler } from "../../core/delivery/handler.js";
import { deferred } from "../../core/delivery/policy/decide.js";
import { deferSeconds } from "../../core/delivery/policy/rate-limit.js";
import { keys } from "../../core/store/keys.js";
import { rateLimitStore } from "../../core/store/rate-limit.js";
import { type EventSource, startEventSource } from "../../local/event-source.js";
import { attemptsOf, enqueue, taskFor, waitForDelivery } from "../support/deliveries.js";
import { useHarness } from "../support/delivery.js";
import { putEndpoint } from "../support/endpoints.js";
import { answerLost, type Call, interpose } from "../support/faults.js";

const h = useHarness();
// A second delivery process for the whole file (stopping a poller mid-receive would hide a
// message for its visibility timeout): its own clients, endpoint cache and memo of busy slots.
let other: EventSource;
beforeAll(() => {
  other = startEventSource({ ...h.eventSource, handler: createDeliveryHandler(createDeps(h.stack.config)) });
});
afterAll(async () => {
  await other.stop();
});

/** The most arrivals any rolling second [t, t + 1000 ms) holds, t ranging over the arrivals. */
function busiestSecond(arrivals: number[]): number {
  const at = [...arrivals].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < at.length; i++) {
    while (j < at.length && at[j]! < at[i]! + 1000) j++;
    most = Math.max(most, j - i);
  }
  return most;
}

async function deliverAll(limit: number, count: number) {
  const r = await h.receiver();
  const ep = await putEndpoint(h.deps, { url: r.url, rate_limit: limit });
  const tasks = Array.from({ length: count }, (_, i) => taskFor(ep, { i }));
  await enqueue(h.deps, ...tasks);
  for (const t of tasks) expect((await waitForDelivery(h.deps, t, "succeeded")).attempts).toBe(1);
  return { r, ep };
}

describe("rate_limit", () => {
  it("no rolling second at the receiver holds more than rate_limit requests, across two delivery processes; no attempt burnt", async () => {
    const [two, five] = await Promise.all([deliverAll(2, 12), deliverAll(5, 20)]);
    for (const [{ r, ep }, limit, count] of [
      [two, 2, 12],
      [five, 5, 20],
    ] as const) {
      expect(r.requests).toHaveLength(count);
      expect(busiestSecond(r.requests.map((q) => q.at))).toBeLessThanOrEqual(limit);
      const log = await attemptsOf(h.deps, ep);
      expect(log.map((a) => a.attempt)).toEqual(Array(count).fill(1));
    }
  });

  it("a slot is free again one second after its request completed, not before (explicit times)", async () => {
    const store = rateLimitStore(h.deps.db);
    const w = { org: "org_rl", endpointId: `ep_${Date.now()}`, limit: 1, random: () => 0 };
    const t0 = 1_000_000;
    const taken = await store.take({ ...w, now: t0, until: t0 + 15_000 });
    expect(taken).toEqual({ slot: 0, lease: t0 + 15_000 });
    // Busy while leased: the refusal says when the lease ends.
    expect(await store.take({ ...w, now: t0 + 500, until: t0 + 20_000 })).toEqual({ freeAt: t0 + 15_000 });
    // The request completed at t0 + 300: free at t0 + 1300, not a millisecond earlier.
    await store.release({ ...w, taken: taken as { slot: number; lease: number }, freeAt: t0 + 1300 });
    expect(await store.take({ ...w, now: t0 + 1299, until: t0 + 20_000 })).toEqual({ freeAt: t0 + 1300 });
    expect(await store.take({ ...w, now: t0 + 1300, until: t0 + 20_000 })).toMatchObject({ slot: 0 });
    // Sixteen slots over two items: sixteen takes at one instant, the seventeenth refused.
    const wide = { ...w, endpointId: `${w.endpointId}_wide`, limit: 16, random: Math.random };
    const outcomes = [];
    for (let i = 0; i < 17; i++) outcomes.push(await wideTake(store, wide, t0, i));
    expect(new Set(outcomes.slice(0, 16)).size).toBe(16);
    expect(outcomes[16]).toBe("refused");
  });

  it("an endpoint without rate_limit writes no slot", async () => {
    const r = await h.receiver();
    const ep = await putEndpoint(h.deps, { url: r.url });
    const t = taskFor(ep);
    await enqueue(h.deps, t);
    await waitForDelivery(h.deps, t, "succeeded");
    const res = await h.deps.db.doc.send(
      new GetCommand({ TableName: h.deps.db.table, Key: keys.rateSlots(ep.org_id, ep.id, 0) }),
    );
    expect(res.Item).toBeUndefined();
  });
});

// A lease applied whose answer was lost (a timeout, a 5xx after the write): the SDK retries it,
// and the retry is refused on the lease the first took (the slot is held: by this take).
describe("a slot lease whose answer was lost", () => {
  const t0 = 2_000_000;
  const store = () => rateLimitStore(h.deps.db);
  /** A fresh endpoint's `limit` slots, and its first take at t0, whose lease's answer is lost. */
  async function firstTakeLost(limit: number) {
    const w = { org: "org_rl", endpointId: `ep_lost${limit}_${Date.now()}`, limit, random: () => 0 };
    const onSlots = (call: Call) =>
      String((call.input.Key as { pk?: string }).pk).includes(`#${w.endpointId}#`);
    const lost = answerLost(
      h.deps.db.doc,
      (call) =>
        call.command === "UpdateItemCommand" &&
        String(call.input.UpdateExpression).startsWith("SET #s = :until") &&
        onSlots(call),
    );
    const taken = await store().take({ ...w, now: t0, until: t0 + 15_000 });
    lost.restore();
    expect(lost.count()).toBe(1);
    return { w, taken, onSlots };
  }

  it("is the take's own: the slot is taken, not read as busy, and set free by its release", async () => {
    const { w, taken } = await firstTakeLost(1);
    // Before: refused on its own lease ({ freeAt: t0 + 15000 }), the one slot lost for 15 s.
    expect(taken).toEqual({ slot: 0, lease: t0 + 15_000 });
    await store().release({ ...w, taken: taken as { slot: number; lease: number }, freeAt: t0 + 1_300 });
    expect(await store().take({ ...w, now: t0 + 1_300, until: t0 + 20_000 })).toMatchObject({ slot: 0 });
  });

  it("of two slots: the take holds the one it leased, and leaves the other free for the next take", async () => {
    const { w, taken, onSlots } = await firstTakeLost(2);
    // Before: it went on to slot 1, slot 0 leased by no one until t0 + 15000, the next take refused.
    expect(taken).toEqual({ slot: 0, lease: t0 + 15_000 });
    expect(await store().take({ ...w, now: t0, until: t0 + 15_000 })).toEqual({
      slot: 1,
      lease: t0 + 15_000,
    });
    expect(await store().take({ ...w, now: t0, until: t0 + 15_000 })).toEqual({ freeAt: t0 + 15_000 });
    // A take that read both slots free (a read older than the leases) is refused on the other takes' marks.
    const stale = interpose(h.deps.db.doc, (call) =>
      call.command === "GetItemCommand" && onSlots(call) ? {} : undefined,
    );
    const late = await store().take({ ...w, now: t0, until: t0 + 15_000 });
    stale.restore();
    expect(late).toEqual({ freeAt: t0 });
  });
});

/** One take of the 16-slot endpoint at `now`, retried over both items until one answers. */
async function wideTake(
  store: ReturnType<typeof rateLimitStore>,
  w: { org: string; endpointId: string; limit: number; random: () => number },
  now: number,
  i: number,
): Promise<number | "refused"> {
  // Item order by attempt: with two items, the second try covers the other one.
  const taken = await store.take({ ...w, now, until: now + 10_000, random: () => (i % 2) / 2 });
  return "slot" in taken ? taken.slot : "refused";
}

describe("deferred (pure)", () => {
  const task = taskFor({ org_id: "org_a", id: "ep_1" });

  it("re-sends the task to its lane for a later second, carrying the attempts made, not one more", () => {
    const d = deferred({ ...task, attempt_base: 2 }, { attempt: 3, lane: "slow", random: () => 0 });
    // Only the re-send: no record.
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ kind: "resend", lane: "slow", why: "rate", delaySeconds: 1 });
    const next = (d[0] as { task: typeof task }).task;
    expect(next.attempt_base).toBe(2);
    expect(next.deferrals).toBe(1);
  });

  it("spreads the wait wider with each deferral, at most 30 s more", () => {
    expect(deferSeconds(0, () => 0.99)).toBe(1);
    expect(deferSeconds(1, () => 0.99)).toBe(2);
    expect(deferSeconds(3, () => 0.99)).toBe(8);
    expect(deferSeconds(50, () => 0.99)).toBe(30);
    expect(deferSeconds(50, () => 0)).toBe(1);
  });
});
