/**
 * The ordered lane on the in-memory queue adapter (no emulator; the whole path on fauxqs is
 * test/delivery/ordered.slow.test.ts): the production ingest and ordered delivery handlers, the
 * memory queue's FIFO model (message groups, one group's messages locked while its head is in
 * flight) and a clock moved by hand. A failing head holds its group: nothing behind it is sent
 * while it is retried; once it exhausts its retries it is dead-lettered (visible as failed) and
 * the next of its group proceeds, in publish order. Each event's trace is kept through it.
 */
import { describe, expect, it } from "vitest";
import { createMemoryContext } from "../../core/compose.js";
import { createDeliveryHandler, memoryDestination } from "../../core/delivery/index.js";
import { createIngestHandler } from "../../core/events/index.js";
import { logger } from "../../core/log/index.js";
import { parseTraceparent, type SendRequest } from "../../core/model/index.js";
import { createTestOrg } from "../support/api.js";
import { captureOutput } from "../support/capture.js";

const nOf = (r: SendRequest) => (JSON.parse(r.body) as { data: { n: number } }).data.n;

function orderedStack(fails: (n: number) => boolean) {
  let clock = Date.parse("2026-01-01T00:00:00Z");
  const now = () => new Date(clock);
  const destination = memoryDestination((req) => (fails(nOf(req)) ? { status: 503 } : { status: 204 }));
  const ctx = createMemoryContext({ now, destination });
  const ingest = createIngestHandler(ctx.deps);
  const ordered = createDeliveryHandler(ctx.deps, { lane: "ordered" });
  const drain = async () => {
    while (
      (await ctx.queue.invoke("ingest", ingest)) + (await ctx.queue.invoke("deliveryOrdered", ordered)) >
      0
    );
  };
  return {
    ...ctx,
    destination,
    drain,
    sent: () => destination.requests.map(nOf),
    /** Moves the clock to the ordered queue's next visible message, then drains. */
    next: async () => {
      const at = ctx.queue.nextVisibleAt("deliveryOrdered");
      if (at === undefined) return false;
      clock = Math.max(clock, at);
      await drain();
      return true;
    },
    org: () => createTestOrg({ env: {}, config: ctx.deps.config, deps: ctx.deps }),
  };
}

describe("the ordered lane on the memory queue", () => {
  it("a failing head holds its group; exhausted, it is dead-lettered and the next proceeds in order", async () => {
    const s = orderedStack((n) => n === 1);
    const org = await s.org();
    const ep = await org.request("POST", "/v1/webhook-endpoints", {
      url: "https://example.test/hook",
      ordering: "strict",
      max_retries: 2,
    });
    expect(ep.status).toBe(201);
    const ids: string[] = [];
    for (const n of [1, 2, 3, 4]) {
      const res = await org.request("POST", "/v1/events", { type: "voice.call.ended", data: { n } });
      expect(res.status).toBe(202);
      ids.push(res.body.id);
    }
    await s.drain();
    // Only the head was tried; the others wait behind it in the FIFO queue, none sent.
    expect(s.sent()).toEqual([1]);
    expect(s.queue.depth("deliveryOrdered").visible + s.queue.depth("deliveryOrdered").inFlight).toBe(4);

    // Its retries come back on its own message's visibility; still nothing behind it is sent.
    expect(await s.next()).toBe(true);
    expect(s.sent()).toEqual([1, 1]);
    // The third attempt exhausts max_retries 2: dead-lettered, and the group moves on in order.
    while (await s.next());
    expect(s.sent()).toEqual([1, 1, 1, 2, 3, 4]);
    expect(s.queue.depth("deliveryOrdered")).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    expect(s.queue.messages("deliveryDlq")).toHaveLength(1);

    const status = async (id: string) =>
      (await org.request("GET", `/v1/events/${id}`)).body.deliveries[0].status as string;
    expect(await status(ids[0]!)).toBe("failed");
    for (const id of ids.slice(1)) expect(await status(id)).toBe("succeeded");
  });

  it("a head that succeeds on a retry releases its group: everything arrives once, in publish order", async () => {
    let failures = 2;
    const s = orderedStack((n) => n === 1 && failures-- > 0);
    const org = await s.org();
    await org.request("POST", "/v1/webhook-endpoints", {
      url: "https://example.test/hook",
      ordering: "strict",
    });
    for (const n of [1, 2, 3])
      expect(
        (await org.request("POST", "/v1/events", { type: "voice.call.ended", data: { n } })).status,
      ).toBe(202);
    await s.drain();
    while (await s.next());
    expect(s.sent()).toEqual([1, 1, 1, 2, 3]);
    expect(s.queue.messages("deliveryDlq")).toHaveLength(0);
  });

  it("keeps each event's trace: every attempt, retries included, carries its publisher's trace id, and its log line", async () => {
    let failures = 1;
    const s = orderedStack((n) => n === 1 && failures-- > 0);
    const org = await s.org();
    await org.request("POST", "/v1/webhook-endpoints", {
      url: "https://example.test/hook",
      ordering: "strict",
      send_traceparent: true,
    });
    const traces = ["4bf92f3577b34da6a3ce929d0e0e4736", "0af7651916cd43dd8448eb211c80319c"];
    const ids: string[] = [];
    for (const [i, trace] of traces.entries()) {
      const res = await org.request(
        "POST",
        "/v1/events",
        { type: "voice.call.ended", data: { n: i + 1 } },
        { traceparent: `00-${trace}-00f067aa0ba902b7-01` },
      );
      ids.push(res.body.id);
    }
    const capture = captureOutput({ echo: false });
    logger.setLogLevel("INFO");
    try {
      await s.drain();
      while (await s.next());
    } finally {
      logger.setLogLevel("WARN");
      capture.stop();
    }
    const sent = s.destination.requests.map((r) => [
      nOf(r),
      parseTraceparent(r.headers.traceparent)?.traceId,
    ]);
    expect(sent).toEqual([
      [1, traces[0]],
      [1, traces[0]],
      [2, traces[1]],
    ]);
    // The failed attempt's line (info) names the event's trace.
    const failed = capture
      .text()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.message === "delivery attempt failed");
    expect(failed).toMatchObject({ trace_id: traces[0], msg_id: ids[0], attempt: 1 });
  });
});
